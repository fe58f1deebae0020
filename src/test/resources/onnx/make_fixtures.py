"""Writes the ONNX fixtures of slimkit's import tests with Debian's PyTorch (1.13).

Run from this folder: /usr/bin/python3 make_fixtures.py
For each model it writes NAME.onnx (torch.onnx.export, eval mode, dynamic batch), NAME-input.bin
(a batch of 4 float32 images, little-endian, N x C x H x W) and NAME-output.bin (PyTorch's logits for
that batch, float32, N x classes). The python `onnx` package is not needed.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)


class PlainCnn(nn.Module):
    """Conv (BN folded into it on export), ReLU, BN after ReLU (kept as BatchNormalization), MaxPool,
    AveragePool, Flatten, Dropout, Gemm and a MatMul + Add head."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(16)
        self.fc1 = nn.Linear(16 * 7 * 7, 32)
        self.drop = nn.Dropout(0.25)
        self.w = nn.Parameter(torch.randn(32, 10) * 0.2)
        self.b = nn.Parameter(torch.randn(10) * 0.1)

    def forward(self, x):
        x = F.max_pool2d(self.bn1(F.relu(self.conv1(x))), 2)
        x = F.avg_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = torch.flatten(x, 1)
        x = self.drop(F.relu(self.fc1(x)))
        return x.matmul(self.w) + self.b


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


class TinyResNet(nn.Module):
    """Stem, an identity block, a projection block (stride 2), global average pool, linear head."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 8, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(8)
        self.block1 = Block(8, 8, 1)
        self.block2 = Block(8, 16, 2)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.block2(self.block1(F.relu(self.bn(self.conv(x)))))
        return self.fc(torch.flatten(self.pool(x), 1))


class WithSigmoid(nn.Module):
    """A graph with an op slimkit does not read (Sigmoid), for the refusal test."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)
        self.fc = nn.Linear(4 * 26 * 26, 10)

    def forward(self, x):
        return self.fc(torch.flatten(torch.sigmoid(self.conv(x)), 1))


def randomize_bn(model):
    """Gives every BN non-trivial statistics and affine weights, so folding and reading them is tested."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            with torch.no_grad():
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.3, 0.3)


def export(model, name):
    randomize_bn(model)
    model.eval()
    x = torch.randn(4, 1, 28, 28)
    with torch.no_grad():
        y = model(x)
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), name + ".onnx", input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                      opset_version=13)
    x.numpy().astype("<f4").tofile(name + "-input.bin")
    y.numpy().astype("<f4").tofile(name + "-output.bin")
    print(name, tuple(y.shape), "max |logit|", float(y.abs().max()))


if __name__ == "__main__":
    export(PlainCnn(), "plain-cnn")
    export(TinyResNet(), "tiny-resnet")
    export(WithSigmoid(), "sigmoid")
