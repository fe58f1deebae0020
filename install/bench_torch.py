"""PyTorch peer of slimkit's training benchmark: the identical cnn-small on the same Fashion-MNIST
files, same normalization, batch 128, Adam 1e-3, shuffled each epoch. Prints key=value lines."""
import gzip, os, resource, sys, time
import numpy as np
import torch
import torch.nn as nn

DIR = "/usr/share/datasets/fashion-mnist"
threads = int(os.environ.get("SLIMKIT_THREADS", "2"))
torch.set_num_threads(threads)
epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 1
seeds = int(sys.argv[2]) if len(sys.argv) > 2 else 3

def idx(name):
    with gzip.open(os.path.join(DIR, name + ".gz")) as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)

t0 = time.time()
xtr, ytr = idx("train-images-idx3-ubyte"), idx("train-labels-idx1-ubyte")
xte, yte = idx("t10k-images-idx3-ubyte"), idx("t10k-labels-idx1-ubyte")
mean = xtr.mean() / 255.0
std = np.sqrt((xtr.astype(np.float64) ** 2).mean() / 255.0 ** 2 - mean ** 2)
norm = lambda x: torch.from_numpy(((x.astype(np.float32) / 255.0 - mean) / std).astype(np.float32)).unsqueeze(1)
xtr_t, xte_t = norm(xtr), norm(xte)
ytr_t, yte_t = torch.from_numpy(ytr.astype(np.int64)), torch.from_numpy(yte.astype(np.int64))
load = time.time() - t0

def run(seed):
    """One model from PyTorch's default initialisation under this seed: (epoch seconds, test accuracy)."""
    torch.manual_seed(seed)
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32, eps=1e-5, momentum=0.1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64, eps=1e-5, momentum=0.1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    times = []
    for epoch in range(epochs):
        t = time.time()
        model.train()
        perm = torch.randperm(len(xtr_t))
        for i in range(0, len(perm), 128):
            b = perm[i:i + 128]
            opt.zero_grad()
            loss = loss_fn(model(xtr_t[b]), ytr_t[b])
            loss.backward()
            opt.step()
        times.append(time.time() - t)
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(xte_t), 256):
            correct += (model(xte_t[i:i + 256]).argmax(1) == yte_t[i:i + 256]).sum().item()
    return sum(times) / len(times), correct / len(xte_t)

results = [run(seed) for seed in range(seeds)]
print("impl=pytorch")
print(f"version={torch.__version__}")
print(f"threads={torch.get_num_threads()}")
print(f"load_seconds={load:.3f}")
print(f"images={len(xtr_t) + len(xte_t)}")
print(f"epoch_seconds={sum(r[0] for r in results) / len(results):.2f}")
print(f"test_accuracy={sum(r[1] for r in results) / len(results):.4f}")
print("test_accuracy_seeds=" + ",".join(f"{r[1]:.4f}" for r in results))
print(f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
