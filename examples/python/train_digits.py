#!/usr/bin/env python3
"""Trains a one-hidden-layer network on the handwritten digits with NumPy.

A stand-in for any training script tuned by caviar's `command` model: it takes its
hyperparameters on the command line and prints one JSON line per epoch on stdout,
    {"step": 3, "val_accuracy": 0.95, "val_loss": 0.17, "train_loss": 0.12}
which caviar reads as the trial's learning curve. Everything else it prints is logged.

    python3 train_digits.py --learning-rate 0.05 --hidden 64 --epochs 10
"""
import argparse
import gzip
import json
import sys
from pathlib import Path

import numpy as np


def load_digits(path):
    """64 pixel values in 0..16, then the label, per row."""
    with gzip.open(path, "rt") as f:
        data = np.loadtxt(f, delimiter=",")
    return data[:, :-1], data[:, -1].astype(np.int64)


def split(x, y, validation):
    """The same split for every trial (a fixed seed), so their scores compare."""
    order = np.random.default_rng(0).permutation(len(y))
    n_val = int(round(len(y) * validation))
    val, train = order[:n_val], order[n_val:]
    mean, std = x[train].mean(axis=0), x[train].std(axis=0) + 1e-8
    return (x[train] - mean) / std, y[train], (x[val] - mean) / std, y[val]


class Network:
    """input -> dense(hidden) -> activation -> dense(10) -> softmax."""

    def __init__(self, n_in, hidden, n_out, activation, rng):
        # He initialisation for relu, Glorot for tanh.
        gain = 2.0 if activation == "relu" else 1.0
        self.w1 = rng.normal(0, np.sqrt(gain / n_in), (n_in, hidden))
        self.b1 = np.zeros(hidden)
        self.w2 = rng.normal(0, np.sqrt(1.0 / hidden), (hidden, n_out))
        self.b2 = np.zeros(n_out)
        self.activation = activation
        self.velocity = [np.zeros_like(p) for p in self.parameters()]

    def parameters(self):
        return [self.w1, self.b1, self.w2, self.b2]

    def forward(self, x):
        z = x @ self.w1 + self.b1
        h = np.maximum(z, 0) if self.activation == "relu" else np.tanh(z)
        logits = h @ self.w2 + self.b2
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        return z, h, p

    def loss(self, x, y):
        """Mean cross-entropy and accuracy."""
        _, _, p = self.forward(x)
        ce = -np.log(p[np.arange(len(y)), y] + 1e-12).mean()
        return float(ce), float((p.argmax(axis=1) == y).mean())

    def sgd_step(self, x, y, learning_rate, momentum, weight_decay):
        z, h, p = self.forward(x)
        g = p.copy()
        g[np.arange(len(y)), y] -= 1
        g /= len(y)
        grad_w2, grad_b2 = h.T @ g, g.sum(axis=0)
        gh = g @ self.w2.T
        gz = gh * (z > 0) if self.activation == "relu" else gh * (1 - h * h)
        grad_w1, grad_b1 = x.T @ gz, gz.sum(axis=0)
        grads = [grad_w1 + weight_decay * self.w1, grad_b1,
                 grad_w2 + weight_decay * self.w2, grad_b2]
        for param, v, grad in zip(self.parameters(), self.velocity, grads):
            v *= momentum
            v -= learning_rate * grad
            param += v


def main():
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(here.parent / "data" / "digits.csv.gz"))
    ap.add_argument("--learning-rate", type=float, default=0.05)
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--activation", choices=["relu", "tanh"], default="relu")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--validation", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=0, help="initialisation and shuffling")
    ap.add_argument("--save", help="write the trained weights to this .npz file")
    a = ap.parse_args()

    x, y = load_digits(a.data)
    x_train, y_train, x_val, y_val = split(x, y, a.validation)
    rng = np.random.default_rng(a.seed)
    net = Network(x.shape[1], a.hidden, 10, a.activation, rng)
    print(f"training on {len(y_train)} images, validating on {len(y_val)}")

    for epoch in range(1, a.epochs + 1):
        order = rng.permutation(len(y_train))
        for start in range(0, len(order), a.batch_size):
            batch = order[start:start + a.batch_size]
            net.sgd_step(x_train[batch], y_train[batch], a.learning_rate, a.momentum,
                         a.weight_decay)
        train_loss, _ = net.loss(x_train, y_train)
        val_loss, val_accuracy = net.loss(x_val, y_val)
        if not np.isfinite(train_loss):
            print(f"diverged at epoch {epoch} (learning rate {a.learning_rate})", file=sys.stderr)
            return 3
        # flush: stdout is a pipe, and caviar reads each epoch as it ends.
        print(json.dumps({"step": epoch, "val_accuracy": val_accuracy, "val_loss": val_loss,
                          "train_loss": train_loss}), flush=True)

    if a.save:
        np.savez(a.save, *net.parameters())
    return 0


if __name__ == "__main__":
    sys.exit(main())
