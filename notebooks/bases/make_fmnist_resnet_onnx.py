"""Makes fmnist-0to4-resnet.onnx, the PyTorch model of notebook 06: a small residual CNN (stem, three
residual blocks of 16, 32 and 64 channels, global average pool, linear head) trained with Debian's PyTorch
(python3-torch 1.13) for 2 epochs on the 7,454 images of classes 0-4 (T-shirt, trouser, pullover, dress,
coat) among the first 15,000 Fashion-MNIST training images (test accuracy on classes 0-4: 0.8632), then written with torch.onnx.export (eval mode, so each batch
norm is folded into the convolution before it; dynamic batch). Images are normalized as slimkit
normalizes them: /255, then the 60k training images' mean and std.
Run once (about two minutes on 2 cores): /usr/bin/python3 make_fmnist_resnet_onnx.py"""
import os
import torch
import torch.nn as nn
import torch.nn.functional as F
from fmnist_0to4 import xte, xtr, yte, ytr, subset

torch.set_num_threads(2)
torch.manual_seed(0)


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.proj = None
        if stride != 1 or cin != cout:
            self.proj = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(out + (x if self.proj is None else self.proj(x)))


class SmallResNet(nn.Module):
    def __init__(self, classes=5):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.blocks = nn.Sequential(Block(16, 16, 1), Block(16, 32, 2), Block(32, 64, 2))
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


xs, ys = subset(xtr, ytr, 15000)
xt, yt = subset(xte, yte)
model = SmallResNet()
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
loss_fn = nn.CrossEntropyLoss()
for epoch in range(2):
    model.train()
    order = torch.randperm(len(xs))
    for i in range(0, len(xs), 128):
        b = order[i:i + 128]
        opt.zero_grad()
        loss_fn(model(xs[b]), ys[b]).backward()
        opt.step()
    model.eval()
    with torch.no_grad():
        acc = (model(xt).argmax(1) == yt).float().mean().item()
    print(f"epoch {epoch + 1}: {len(xs)} training images, test accuracy on classes 0-4 {acc:.4f}")
model.eval()
torch.onnx.export(model, torch.zeros(1, 1, 28, 28), "fmnist-0to4-resnet.onnx", input_names=["input"],
                  output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                  opset_version=13)
print("saved fmnist-0to4-resnet.onnx:", os.path.getsize("fmnist-0to4-resnet.onnx"), "bytes")
