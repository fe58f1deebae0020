"""Makes fmnist-0to4-backbone.pt, the PyTorch base of notebook 01: a small CNN trained with
Debian's PyTorch (python3-torch) for 2 epochs on Fashion-MNIST classes 0-4 (T-shirt, trouser,
pullover, dress, coat), then exported with torch.jit.script WITHOUT its classifier, so that
slimkit can put a new head on its 1568 features (%model NAME --from ... --classes N).
Images are normalized as slimkit normalizes them: /255, then the 60k training images' mean and std.
Run once (about a minute on 2 cores): /usr/bin/python3 make_fmnist_backbone.py"""
import os
import torch
import torch.nn as nn
from fmnist_0to4 import xte, xtr, yte, ytr, subset

torch.set_num_threads(2)
torch.manual_seed(0)

xs, ys = subset(xtr, ytr)
xt, yt = subset(xte, yte)
backbone = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten())
model = nn.Sequential(backbone, nn.Linear(32 * 7 * 7, 5))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
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
    print(f"epoch {epoch + 1}: test accuracy on classes 0-4 {acc:.4f}")
backbone.eval()
torch.jit.script(backbone).save("fmnist-0to4-backbone.pt")
print("saved fmnist-0to4-backbone.pt:", os.path.getsize("fmnist-0to4-backbone.pt"), "bytes")
