"""Benchmark of libconv4j_cuda against cuDNN (through PyTorch) on the shapes s2-s8 of docs/benchmarks.md.

    python3 tools/gpu/bench.py [--n 8 64] [--lib build/cuda-lib/libconv4j_cuda.so] [--iters 50]

For each shape and batch size: median time per call (CUDA events around a batch of calls, after warm-up) of
forward, backward-data and backward-weights, for conv4j and for cuDNN with cudnn.benchmark=True (its best
algorithm; TF32 off so both compute in float32). Prints a table with the ratio cuDNN time / conv4j time (>= 1:
conv4j faster). Our calls synchronise before returning; the same synchronisation is applied to torch's calls so
both pay it (per-call overhead matters on the small shapes).
"""
import argparse
import statistics

import torch
import torch.nn.functional as F

from conv4j_cuda import Conv4jCuda

POOLS = {  # id: (N, C, H, W, max?, k, stride, pad)
    "p1": (32, 6, 28, 28, True, 2, 2, 0),
    "p2": (8, 64, 112, 112, True, 3, 2, 1),
    "p3": (8, 64, 56, 56, False, 2, 2, 0),
}

SHAPES = {  # id: (C_in, H, W, C_out, k, stride, pad)
    "s2": (1, 28, 28, 6, 5, 1, 2),
    "s3": (6, 14, 14, 16, 5, 1, 0),
    "s4": (64, 56, 56, 64, 3, 1, 1),
    "s5": (256, 56, 56, 64, 1, 1, 0),
    "s6": (128, 28, 28, 128, 3, 1, 1),
    "s7": (3, 224, 224, 64, 7, 2, 3),
    "s8": (512, 7, 7, 512, 3, 1, 1),
}


def timed(fn, iters):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) * 1000.0)  # microseconds
    return statistics.median(times)


def kernel_us(fn, reps=20):
    """GPU time of the kernels (and copies) one call runs, from the CUDA profiler (CUPTI sees our statically
    linked runtime's kernels too): the device work without the per-call host overhead and synchronisation."""
    from torch.autograd import DeviceType
    from torch.profiler import ProfilerActivity, profile
    fn()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(reps):
            fn()
        torch.cuda.synchronize()
    evs = [e for e in prof.events() if e.device_type == DeviceType.CUDA]
    return sum(e.time_range.elapsed_us() for e in evs) / reps if evs else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, nargs="+", default=[8, 64])
    ap.add_argument("--lib", default=None)
    ap.add_argument("--iters", type=int, default=50)
    a = ap.parse_args()
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    c4j = Conv4jCuda(a.lib, sync=False)
    dev = torch.device("cuda")
    print("device:", c4j.device, "| torch", torch.__version__, "| cuDNN", torch.backends.cudnn.version())
    print("per call: median wall time of one synchronised call; kern: GPU time of its kernels (profiler)")
    print(f"{'shape':6} {'N':>3} {'dir':5} {'conv4j us':>10} {'cuDNN us':>10} {'cuDNN/conv4j':>12} {'conv4j GFLOP/s':>14}"
          f" {'conv4j kern':>11} {'cuDNN kern':>10} {'kern ratio':>10}")
    for n in a.n:
        for sid, (cin, h, w, cout, k, s, p) in SHAPES.items():
            x = torch.randn(n, cin, h, w, device=dev, requires_grad=True)
            wt = torch.randn(cout, cin, k, k, device=dev, requires_grad=True)
            desc = Conv4jCuda.conv_desc(x.shape, wt.shape, (s, s), (p, p, p, p))
            y = F.conv2d(x, wt, stride=s, padding=p)
            dy = torch.randn_like(y)
            flops = 2.0 * n * cout * y.shape[2] * y.shape[3] * cin * k * k
            xd, wd = x.detach(), wt.detach()

            def torch_sync(f):
                def g():
                    f()
                    torch.cuda.synchronize()
                return g

            runs = {
                "fwd": (lambda: c4j.conv2d(desc, xd, wd),
                        torch_sync(lambda: F.conv2d(xd, wd, stride=s, padding=p))),
                "bwd-d": (lambda: c4j.conv2d_backward_data(desc, dy, wd),
                          torch_sync(lambda: torch.ops.aten.convolution_backward(
                              dy, xd, wd, None, [s, s], [p, p], [1, 1], False, [0, 0], 1, [True, False, False]))),
                "bwd-w": (lambda: c4j.conv2d_backward_weights(desc, dy, xd),
                          torch_sync(lambda: torch.ops.aten.convolution_backward(
                              dy, xd, wd, None, [s, s], [p, p], [1, 1], False, [0, 0], 1, [False, True, False]))),
            }
            for d, (ours, theirs) in runs.items():
                t_ours, t_theirs = timed(ours, a.iters), timed(theirs, a.iters)
                k_ours, k_theirs = kernel_us(ours), kernel_us(theirs)
                print(f"{sid:6} {n:>3} {d:5} {t_ours:10.1f} {t_theirs:10.1f} {t_theirs / t_ours:12.2f} "
                      f"{flops / t_ours / 1e3:14.1f} {k_ours:11.1f} {k_theirs:10.1f} {k_theirs / k_ours:10.2f}")

    # Pooling: our max backward recomputes each window's argmax from x; PyTorch saves indices in the forward.
    # The pair of rows per shape is the measurement the issue asks for (recompute vs saved indices).
    print(f"{'pool':6} {'N':>3} {'dir':5} {'conv4j us':>10} {'torch us':>10} {'torch/conv4j':>12} {'conv4j kern':>11} "
          f"{'torch kern':>10} {'kern ratio':>10}")
    for pid, (n, c, h, w, is_max, k, s, p) in POOLS.items():
        x = torch.randn(n, c, h, w, device=dev)
        desc = Conv4jCuda.pool_desc(x.shape, (k, k), (s, s), (p, p))
        if is_max:
            y, idx = F.max_pool2d(x, k, s, p, return_indices=True)
            dy = torch.randn_like(y)
            ours_f, ours_b = (lambda: c4j.max_pool2d(desc, x)), (lambda: c4j.max_pool2d_backward(desc, dy, x))
            theirs_f = lambda: F.max_pool2d(x, k, s, p, return_indices=True)
            theirs_b = lambda: torch.ops.aten.max_pool2d_with_indices_backward(dy, x, [k, k], [s, s], [p, p],
                                                                               [1, 1], False, idx)
        else:
            y = F.avg_pool2d(x, k, s, p)
            dy = torch.randn_like(y)
            ours_f, ours_b = (lambda: c4j.avg_pool2d(desc, x)), (lambda: c4j.avg_pool2d_backward(desc, dy))
            theirs_f = lambda: F.avg_pool2d(x, k, s, p)
            theirs_b = lambda: torch.ops.aten.avg_pool2d_backward(dy, x, [k, k], [s, s], [p, p], False, True, None)
        for d, ours, theirs in (("fwd", ours_f, theirs_f), ("bwd", ours_b, theirs_b)):
            def synced(f=theirs):
                f()
                torch.cuda.synchronize()
            t_ours, t_theirs = timed(ours, a.iters), timed(synced, a.iters)
            k_ours, k_theirs = kernel_us(ours), kernel_us(synced)
            print(f"{pid:6} {n:>3} {d:5} {t_ours:10.1f} {t_theirs:10.1f} {t_theirs / t_ours:12.2f} {k_ours:11.1f} "
                  f"{k_theirs:10.1f} {k_theirs / k_ours:10.2f}")


if __name__ == "__main__":
    main()
