#!/usr/bin/env python3
"""Peer check for %quantize: ONNX Runtime's own Python quantizer on the same float ONNX file.

Not part of slimkit, its set-up or its tests: it needs the Python packages onnxruntime and onnx,
which install/setup.sh does not install (on the development machine they came from a local wheel
cache, into a throw-away venv). Usage:

    ort-quantize.py FLOAT.onnx SLIMKIT_INT8.onnx [CALIBRATION_IMAGES]

Reads Fashion-MNIST from Debian's dataset-fashion-mnist, standardized as slimkit does (the
training split's mean and standard deviation); quantizes FLOAT.onnx with
onnxruntime.quantization.quantize_static (QDQ, per-channel int8 weights, uint8 activations,
min-max calibration on N training images, default 512, after ONNX Runtime's own pre-processing);
then prints, for the float file, ONNX Runtime's int8 file and slimkit's int8 file: test accuracy on
the 10,000 test images, file size, and latency at batch 32 (median and IQR of 60 interleaved
rounds, 2 threads).
"""
import gzip
import os
import sys
import tempfile
import time

import numpy as np
import onnxruntime as ort
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
from onnxruntime.quantization.shape_inference import quant_pre_process

DATA = "/usr/share/datasets/fashion-mnist"


def idx(name):
    with gzip.open(os.path.join(DATA, name)) as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * dims).reshape(shape)


def load():
    train, test = idx("train-images-idx3-ubyte.gz"), idx("t10k-images-idx3-ubyte.gz")
    x = train.astype(np.float64) / 255.0
    mean, std = x.mean(), x.std()
    norm = lambda a: ((a.astype(np.float32) / 255.0 - np.float32(mean)) / np.float32(std)).reshape(-1, 1, 28, 28)
    return norm(train), norm(test), idx("t10k-labels-idx1-ubyte.gz")


class Reader(CalibrationDataReader):
    def __init__(self, images, name):
        self.batches = iter([{name: images[i:i + 32]} for i in range(0, len(images), 32)])

    def get_next(self):
        return next(self.batches, None)


def session(path):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    options.inter_op_num_threads = 1
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def accuracy(s, x, y):
    name = s.get_inputs()[0].name
    hits = 0
    for i in range(0, len(x), 256):
        hits += int((s.run(None, {name: x[i:i + 256]})[0].argmax(1) == y[i:i + 256]).sum())
    return hits / len(x)


def latency(sessions, x, rounds=60):
    feeds = [{s.get_inputs()[0].name: x} for s in sessions]
    for s, f in zip(sessions, feeds):
        for _ in range(5):
            s.run(None, f)
    ms = [[] for _ in sessions]
    for r in range(rounds):
        for k in range(len(sessions)):
            m = (r + k) % len(sessions)
            t0 = time.perf_counter()
            sessions[m].run(None, feeds[m])
            ms[m].append((time.perf_counter() - t0) * 1e3)
    return [(np.median(t), np.percentile(t, 75) - np.percentile(t, 25)) for t in ms]


def main():
    fp32, slim = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 512
    train, test, labels = load()
    calib = train[np.random.default_rng(0).permutation(len(train))[:n]]
    out = tempfile.mkdtemp()
    pre = os.path.join(out, "pre.onnx")
    quant_pre_process(fp32, pre)
    theirs = os.path.join(out, "ort-int8.onnx")
    name = session(fp32).get_inputs()[0].name
    quantize_static(pre, theirs, Reader(calib, name), quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
    paths = {"float": fp32, "ONNX Runtime int8": theirs, "slimkit int8": slim}
    sessions = [session(p) for p in paths.values()]
    timings = latency(sessions, test[:32])
    print(f"onnxruntime {ort.__version__}; {n} calibration images; test accuracy on {len(test)} images; 2 threads")
    for (label, path), s, (med, iqr) in zip(paths.items(), sessions, timings):
        print(f"{label:18s} accuracy {accuracy(s, test, labels):.4f}  file {os.path.getsize(path):>9,d} B"
              f"  batch 32 {med:.3f} ms (IQR {iqr:.3f})")


if __name__ == "__main__":
    main()
