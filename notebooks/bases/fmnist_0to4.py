"""Fashion-MNIST classes 0-4 for the PyTorch base scripts in this folder, read from Debian's
dataset-fashion-mnist and normalized as slimkit normalizes them: /255, then the 60k training
images' mean and std."""
import gzip
import os
import numpy as np
import torch

DIR = "/usr/share/datasets/fashion-mnist"


def idx(name):
    with gzip.open(os.path.join(DIR, name + ".gz")) as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


xtr, ytr = idx("train-images-idx3-ubyte"), idx("train-labels-idx1-ubyte")
xte, yte = idx("t10k-images-idx3-ubyte"), idx("t10k-labels-idx1-ubyte")
mean = xtr.mean() / 255.0
std = np.sqrt((xtr.astype(np.float64) ** 2).mean() / 255.0 ** 2 - mean ** 2)


def subset(x, y, first=None):
    """The images of classes 0-4 (among the first `first`, if given) as a normalized N x 1 x 28 x 28 tensor."""
    x, y = (x[:first], y[:first]) if first else (x, y)
    keep = y < 5
    images = torch.from_numpy(((x[keep].astype(np.float32) / 255.0 - mean) / std).astype(np.float32)).unsqueeze(1)
    return images, torch.from_numpy(y[keep].astype(np.int64))
