"""Makes the TorchScript fixtures with Debian's PyTorch (python3-torch): a tiny CNN with batch
norm, scripted (not traced, so BN switches between train and eval), saved whole as a
3-class classifier (tiny_classifier.pt) and as a backbone without its classifier
(tiny_backbone.pt, output 8x7x7 per image), and a state_dict saved with torch.save
(state_dict.pt), which is not TorchScript. tiny_expected.json holds PyTorch's eval-mode outputs
for a fixed input, so slimkit's forward pass is checked against PyTorch's own.
Run once: /usr/bin/python3 make_fixture.py"""
import json
import torch
import torch.nn as nn


def backbone():
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2))


class Classifier(nn.Module):
    def __init__(self, features):
        super().__init__()
        self.features = features
        self.classifier = nn.Linear(8 * 7 * 7, 3)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


torch.manual_seed(0)
features = backbone()
# Non-trivial BN statistics, so eval mode differs from train mode.
with torch.no_grad():
    for m in features:
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.2, 0.2)
            m.running_var.uniform_(0.5, 1.5)
classifier = Classifier(features).eval()
features.eval()
torch.jit.script(classifier).save("tiny_classifier.pt")
torch.jit.script(features).save("tiny_backbone.pt")
x = (torch.arange(2 * 28 * 28, dtype=torch.float32).reshape(2, 1, 28, 28) % 17) / 17.0
with torch.no_grad():
    expected = {"torch_version": torch.__version__,
                "input": "(arange(2*28*28) % 17) / 17, shape 2x1x28x28",
                "classifier": classifier(x).flatten().tolist(),
                "backbone_sum": float(features(x).sum()),
                "backbone_shape": list(features(x).shape)}
with open("tiny_expected.json", "w") as f:
    json.dump(expected, f, indent=1)
# Not TorchScript: what torch.save writes (slimkit must say so).
torch.save(nn.Linear(3, 2).state_dict(), "state_dict.pt")
