#!/usr/bin/env python3
"""PyTorch reference for `npm run bench`: the same LeNet-5 on Fashion-MNIST, batch 128, momentum SGD,
with the baseline and the noise methods written like the ANL paper's algorithms (SPEC.md):

  none     one forward + backward + update
  anl      Algorithm 1: round 1 = forward without noise + gradients at the noise points only (no weight
           gradients), eta = r * std(h) * g / max|g| per sample, r ~ clip(N(eps/2, (eps/4)^2), 0, eps);
           round 2 = forward with eta + backward + update
  canl     Algorithm 2: eta from the per-class cache G[t][y_i]; one forward + backward that yields the
           weight gradients and dJ/dh; one random sample per present class refreshes G[t][c]
  lat      eta = eps * sign(previous batch's gradient at the same layer), one round
  gaussian eta ~ N(0, (eps/4)^2)

Prints one JSON line: step medians over fixed batches and whole-epoch times with test accuracy.
"""
import argparse
import gzip
import json
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA_DIRS = [
    os.environ.get("ANL_DATA_DIR", ""),
    os.environ.get("FASHION_MNIST_DIR", ""),
    os.path.expanduser("~/.cache/anl/fashion-mnist"),
    "/usr/share/datasets/fashion-mnist",
]


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find_file(directory, stem):
    for name in (stem + ".gz", stem):
        p = os.path.join(directory, name)
        if os.path.exists(p):
            return p
    return None


def load_fashion_mnist(directory, train_limit):
    dirs = [directory] if directory else [d for d in DATA_DIRS if d]
    for d in dirs:
        files = [find_file(d, s) for s in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                           "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")]
        if all(files):
            xs, ys, txs, tys = (read_idx(f) for f in files)
            if train_limit:
                xs, ys = xs[:train_limit], ys[:train_limit]
            to_x = lambda a: torch.from_numpy(a.astype(np.float32) / 255.0).unsqueeze(1)
            to_y = lambda a: torch.from_numpy(a.astype(np.int64))
            return to_x(xs), to_y(ys), to_x(txs), to_y(tys), d
    raise FileNotFoundError("Fashion-MNIST IDX files not found in " + ", ".join(dirs))


class NoisePoint(nn.Module):
    """Adds `eta` (a constant) in training when set; keeps its output so dJ/dh_hat can be taken."""

    def __init__(self):
        super().__init__()
        self.eta = None
        self.out = None

    def forward(self, h):
        if self.training and self.eta is not None:
            h = h + self.eta
        self.out = h
        return h


class LeNet5(nn.Module):
    """CONV(6,5x5,same)-NOISE-RELU-POOL-CONV(16,5x5)-NOISE-RELU-POOL-FC120-RELU-FC84-RELU-FC10."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.noise = nn.ModuleList([NoisePoint(), NoisePoint()])
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.noise[0](self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.noise[1](self.conv2(x))), 2)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


def per_sample_linf_normalize(g):
    m = g.abs().flatten(1).max(dim=1).values
    scale = torch.where(m > 0, 1.0 / m.clamp_min(1e-30), torch.zeros_like(m))
    return g * scale.view(-1, *([1] * (g.dim() - 1)))


def clipped_r(batch, eps):
    r = torch.randn(batch) * (abs(eps) / 4) + eps / 2
    return r.clamp(min(0.0, eps), max(0.0, eps))


def anl_eta(h, g, eps):
    r = clipped_r(h.shape[0], eps).view(-1, *([1] * (h.dim() - 1)))
    return r * h.detach().std() * per_sample_linf_normalize(g)


class Method:
    def __init__(self, name, model, eps, num_classes=10):
        self.name, self.model, self.eps = name, model, eps
        self.cache = None  # canl: [layer] -> [C, *sample]
        self.prev = None  # lat: [layer] -> previous gradient
        self.num_classes = num_classes

    def clear(self):
        for p in self.model.noise:
            p.eta = None

    def step(self, opt, x, y):
        model, points = self.model, self.model.noise
        if self.name == "none":
            self.clear()
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss
        if self.name == "anl":
            self.clear()
            loss0 = F.cross_entropy(model(x), y)
            outs = [p.out for p in points]
            hs = [o.detach() for o in outs]
            grads = torch.autograd.grad(loss0, outs)  # noise points only: no weight gradients
            for p, h, g in zip(points, hs, grads):
                p.eta = anl_eta(h, g, self.eps)
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss
        if self.name == "canl":
            if self.cache is None:
                self.cache = [None] * len(points)
            # The noise layers need h's std and shape: eta is built inside their forward, as the paper's layer does.
            for t, p in enumerate(points):
                p.eta = None
            hooks = []
            for t, p in enumerate(points):
                def pre(module, inp, t=t):
                    h = inp[0]
                    if self.cache[t] is None:
                        self.cache[t] = torch.zeros(self.num_classes, *h.shape[1:])
                    g = self.cache[t][y]
                    module.eta = anl_eta(h, g, self.eps)
                hooks.append(p.register_forward_pre_hook(pre))
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y)
            outs = [p.out for p in points]
            for o in outs:
                o.retain_grad()
            loss.backward()
            for h in hooks:
                h.remove()
            for t, o in enumerate(outs):
                g = o.grad
                for c in torch.unique(y).tolist():
                    idx = (y == c).nonzero().flatten()
                    pick = idx[torch.randint(len(idx), (1,))].item()
                    self.cache[t][c] = g[pick]
            opt.step()
            return loss
        if self.name == "lat":
            for t, p in enumerate(points):
                if self.prev is None:
                    p.eta = None
                else:
                    prev = self.prev[t]
                    reps = (x.shape[0] + prev.shape[0] - 1) // prev.shape[0]
                    p.eta = self.eps * torch.sign(prev.repeat(reps, *([1] * (prev.dim() - 1)))[: x.shape[0]])
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y)
            outs = [p.out for p in points]
            for o in outs:
                o.retain_grad()
            loss.backward()
            self.prev = [o.grad.detach() for o in outs]
            opt.step()
            return loss
        if self.name == "gaussian":
            hooks = []
            for p in points:
                def pre(module, inp):
                    module.eta = torch.randn_like(inp[0]) * (self.eps / 4)
                hooks.append(p.register_forward_pre_hook(pre))
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            for h in hooks:
                h.remove()
            opt.step()
            return loss
        raise ValueError(self.name)


def make_optimizer(model):
    return torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)


def time_steps(method_name, init_state, batches, warmup, steps, eps):
    model = LeNet5()
    model.load_state_dict(init_state)
    model.train()
    opt = make_optimizer(model)
    method = Method(method_name, model, eps)
    times = []
    for i in range(warmup + steps):
        x, y = batches[i % len(batches)]
        t0 = time.perf_counter()
        loss = method.step(opt, x, y)
        loss.item()
        if i >= warmup:
            times.append((time.perf_counter() - t0) * 1000)
    q = statistics.quantiles(times, n=10) if len(times) > 1 else [times[0]] * 9
    return {"method": method_name, "steps": steps, "medianMs": statistics.median(times), "p10Ms": q[0], "p90Ms": q[-1]}


def time_epoch(method_name, init_state, xs, ys, txs, tys, eps, batch_size, seed):
    torch.manual_seed(seed)
    model = LeNet5()
    model.load_state_dict(init_state)
    model.train()
    opt = make_optimizer(model)
    method = Method(method_name, model, eps)
    n = xs.shape[0]
    t0 = time.perf_counter()
    order = torch.randperm(n)
    total, count = 0.0, 0
    for start in range(0, n, batch_size):
        idx = order[start : start + batch_size]
        loss = method.step(opt, xs[idx], ys[idx])
        total += loss.item() * len(idx)
        count += len(idx)
    seconds = time.perf_counter() - t0
    model.eval()
    with torch.no_grad():
        correct = sum((model(txs[i : i + 1000]).argmax(1) == tys[i : i + 1000]).sum().item() for i in range(0, len(txs), 1000))
    return {"method": method_name, "samples": n, "batchSize": batch_size, "seconds": seconds,
            "trainLoss": total / count, "testAcc": correct / len(txs)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--epoch", choices=["full", "subset", "none"], default="full")
    ap.add_argument("--methods", default="none,anl,canl,lat,gaussian")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (default: torch's own choice)")
    ap.add_argument("--data", default="")
    ap.add_argument("--eps", type=float, default=0.03)
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    xs, ys, txs, tys, data_dir = load_fashion_mnist(args.data, 6000 if args.epoch == "subset" else None)
    init_state = LeNet5().state_dict()
    batch = 128
    batches = [(xs[i * batch : (i + 1) * batch], ys[i * batch : (i + 1) * batch]) for i in range(24)]
    methods = args.methods.split(",")
    # One untimed warm-up of every method first: the first steps of a process pay for oneDNN's
    # kernel selection and allocator growth, which would otherwise land on whichever method runs first.
    for m in methods:
        time_steps(m, init_state, batches, 0, 5, args.eps)
    out = {"version": torch.__version__, "threads": torch.get_num_threads(), "data": data_dir, "steps": [], "epochs": []}
    for m in methods:
        out["steps"].append(time_steps(m, init_state, batches, args.warmup, args.steps, args.eps))
        print(f"pytorch {m}: {out['steps'][-1]['medianMs']:.1f} ms/step", file=sys.stderr)
    if args.epoch != "none":
        for m in methods:
            out["epochs"].append(time_epoch(m, init_state, xs, ys, txs, tys, args.eps, batch, 1))
            print(f"pytorch {m}: epoch {out['epochs'][-1]['seconds']:.1f} s", file=sys.stderr)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
