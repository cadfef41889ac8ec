#!/usr/bin/env python3
"""The book's LeNet recipe in PyTorch on the same Fashion-MNIST files, for side-by-side runs with conv4j.

  pytorch_lenet.py bench --threads 2 --images 15360 --warmup 2560   # markdown row: examples per second, per CPU second
  pytorch_lenet.py train --threads 2 --epochs 10                   # loss / train acc / test acc per epoch

Same network (d2l's LeNet: sigmoid, average pooling), Xavier-uniform weights, SGD lr 0.9, batch 256,
shuffled batches, mean cross-entropy. Examples/s counts forward, loss, backward and update, as conv4j's
LeNetBenchmark does. Reads the IDX files itself (gzipped or not), so torchvision is not needed.
"""
import argparse
import gzip
import os
import sys
import time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    opener = gzip.open if open(path, 'rb').read(2) == b'\x1f\x8b' else open
    with opener(path, 'rb') as f:
        data = f.read()
    if data[0] != 0 or data[1] != 0 or data[2] != 8:
        sys.exit(f'{path}: not an unsigned-byte IDX file')
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def find(d, name):
    for candidate in (name + '.gz', name):
        p = os.path.join(d, candidate)
        if os.path.isfile(p):
            return p
    sys.exit(f'{name}(.gz) not found in {d}: apt-get install dataset-fashion-mnist, or pass --data DIR')


def load(d, prefix):
    x = read_idx(find(d, f'{prefix}-images-idx3-ubyte')).astype(np.float32) / 255.0
    y = read_idx(find(d, f'{prefix}-labels-idx1-ubyte')).astype(np.int64)
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)


def lenet():
    net = nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10))
    for m in net:
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)
    return net


def batches(x, y, batch, gen):
    order = torch.randperm(len(y), generator=gen)
    for i in range(0, len(y), batch):
        idx = order[i:i + batch]
        yield x[idx], y[idx]


def step(net, opt, loss, xb, yb):
    opt.zero_grad()
    out = net(xb)
    l = loss(out, yb)
    l.backward()
    opt.step()
    return l, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=['bench', 'train'])
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--images', type=int, default=15360)
    ap.add_argument('--warmup', type=int, default=2560)
    ap.add_argument('--epochs', type=int, default=10)
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--lr', type=float, default=0.9)
    ap.add_argument('--seed', type=int, default=42)
    ap.add_argument('--data', default=os.environ.get('CONV4J_FASHION_MNIST', '/usr/share/datasets/fashion-mnist'))
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    x, y = load(a.data, 'train')
    net = lenet()
    opt = torch.optim.SGD(net.parameters(), lr=a.lr)
    loss = nn.CrossEntropyLoss()
    if a.mode == 'bench':
        def run(n):
            done = 0
            while done < n:
                for xb, yb in batches(x, y, a.batch, gen):
                    t0, c0 = time.perf_counter(), time.process_time()
                    step(net, opt, loss, xb, yb)
                    run.secs += time.perf_counter() - t0
                    run.cpu += time.process_time() - c0
                    done += len(yb)
                    if done >= n:
                        break
            return done
        run.secs = run.cpu = 0.0
        run(a.warmup)
        run.secs = run.cpu = 0.0
        done = run(a.images)
        print(f'| PyTorch {torch.__version__.split("+")[0]} | {torch.get_num_threads()} | {done / run.secs:8.0f} |'
              f' {done / run.cpu:8.0f} |')
        return
    xt, yt = load(a.data, 't10k')
    for epoch in range(a.epochs):
        net.train()
        total, correct, n, secs = 0.0, 0, 0, 0.0
        for xb, yb in batches(x, y, a.batch, gen):
            t0 = time.perf_counter()
            l, out = step(net, opt, loss, xb, yb)
            secs += time.perf_counter() - t0
            total += float(l) * len(yb)
            correct += int((out.argmax(1) == yb).sum())
            n += len(yb)
        net.eval()
        with torch.no_grad():
            test = float((net(xt).argmax(1) == yt).float().mean())
        print(f'epoch {epoch + 1:2d}  loss {total / n:.4f}  train acc {correct / n:.3f}  test acc {test:.3f}'
              f'  {n / secs:8.0f} examples/s', flush=True)


if __name__ == '__main__':
    main()
