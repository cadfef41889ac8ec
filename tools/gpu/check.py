"""Conformance of libconv4j_cuda against torch.nn.functional (and autograd for the gradients) on a GPU.

    python3 tools/gpu/check.py [--cases 300] [--lib build/cuda-lib/libconv4j_cuda.so]

Random shapes with stride, asymmetric padding, dilation, groups (incl. depthwise), bias; pooling with every
parameter. Also: backward-weights and backward-bias give identical bits on repeated runs; a bad descriptor is
refused with a message. Exits 1 on the first mismatch (printing the case), 0 when all pass.
"""
import argparse
import random
import sys

import torch
import torch.nn.functional as F

from conv4j_cuda import Conv4jCuda, Conv4jCudaError


def close(a, b, what, rtol=1e-4, atol=1e-4):
    if a.shape != b.shape:
        raise AssertionError(f"{what}: shape {tuple(a.shape)} vs torch {tuple(b.shape)}")
    err = (a - b).abs() - (atol + rtol * b.abs())
    if (err > 0).any() or torch.isnan(a).any() != torch.isnan(b).any():
        i = int(err.flatten().argmax())
        raise AssertionError(f"{what}: element {i} is {a.flatten()[i].item()}, torch says {b.flatten()[i].item()}")


def conv_case(c4j, rng, dev):
    g = rng.choice([1, 1, 1, 2, 3])
    depthwise = rng.random() < 0.15
    cin_g, cout_g = (1, rng.randint(1, 2)) if depthwise else (rng.randint(1, 9), rng.randint(1, 9))
    if depthwise:
        g = rng.randint(2, 32)
    kh, kw, dh, dw = rng.randint(1, 5), rng.randint(1, 5), rng.randint(1, 2), rng.randint(1, 2)
    sh, sw = rng.randint(1, 3), rng.randint(1, 3)
    pt, pb, pl, pr = (rng.randint(0, 2) for _ in range(4))
    n = rng.randint(1, 4)
    h = max(1, dh * (kh - 1) + 1 - pt - pb + rng.randint(0, 20))
    w = max(1, dw * (kw - 1) + 1 - pl - pr + rng.randint(0, 20))
    x = torch.randn(n, g * cin_g, h, w, device=dev, requires_grad=True)
    wt = torch.randn(g * cout_g, cin_g, kh, kw, device=dev, requires_grad=True)
    b = torch.randn(g * cout_g, device=dev, requires_grad=True) if rng.random() < 0.5 else None
    y_ref = F.conv2d(F.pad(x, (pl, pr, pt, pb)), wt, b, stride=(sh, sw), dilation=(dh, dw), groups=g)
    desc = Conv4jCuda.conv_desc(x.shape, wt.shape, (sh, sw), (pt, pb, pl, pr), (dh, dw), g)
    what = f"conv {desc}"
    y = c4j.conv2d(desc, x.detach(), wt.detach(), None if b is None else b.detach())
    close(y, y_ref.detach(), "forward " + what)
    dy = torch.randn_like(y_ref)
    grads = torch.autograd.grad(y_ref, [x, wt] + ([b] if b is not None else []), dy)
    close(c4j.conv2d_backward_data(desc, dy, wt.detach()), grads[0], "backward-data " + what)
    close(c4j.conv2d_backward_weights(desc, dy, x.detach()), grads[1], "backward-weights " + what, rtol=1e-3, atol=1e-3)
    close(c4j.conv2d_backward_bias(dy), dy.sum((0, 2, 3)), "backward-bias " + what, rtol=1e-3, atol=1e-3)


def pool_case(c4j, rng, dev):
    kh, kw = rng.randint(1, 5), rng.randint(1, 5)
    sh, sw = rng.randint(1, 4), rng.randint(1, 4)
    ph, pw = rng.randint(0, kh // 2), rng.randint(0, kw // 2)
    ceil, cip = rng.random() < 0.5, rng.random() < 0.5
    x = torch.randn(rng.randint(1, 4), rng.randint(1, 8), kh + rng.randint(0, 20), kw + rng.randint(0, 20),
                    device=dev, requires_grad=True)
    desc = Conv4jCuda.pool_desc(x.shape, (kh, kw), (sh, sw), (ph, pw), ceil, cip)
    what = f"pool {desc} ceil={ceil}"
    ym = F.max_pool2d(x, (kh, kw), (sh, sw), (ph, pw), ceil_mode=ceil)
    ya = F.avg_pool2d(x, (kh, kw), (sh, sw), (ph, pw), ceil_mode=ceil, count_include_pad=cip)
    close(c4j.max_pool2d(desc, x.detach()), ym.detach(), "max forward " + what, 0, 0)
    close(c4j.avg_pool2d(desc, x.detach()), ya.detach(), "avg forward " + what)
    dy = torch.randn_like(ym)
    close(c4j.max_pool2d_backward(desc, dy, x.detach()), torch.autograd.grad(ym, x, dy)[0], "max backward " + what)
    close(c4j.avg_pool2d_backward(desc, dy), torch.autograd.grad(ya, x, dy)[0], "avg backward " + what)


def close_scaled(a, ref64, what, k):
    """fp32 result against a float64 reference: error within 2e-5 * sqrt(k) of the reference's largest value."""
    if a.shape != ref64.shape:
        raise AssertionError(f"{what}: shape {tuple(a.shape)} vs torch {tuple(ref64.shape)}")
    err = (a.double() - ref64).abs().max().item()
    bound = 2e-5 * k ** 0.5 * ref64.abs().max().item()
    if not err <= bound:
        raise AssertionError(f"{what}: largest error {err:.3g} over the bound {bound:.3g}")


# Shapes on the large tiles (128x128 and 64x128 per block, picked for grids of >= 128 blocks): the benchmark
# shapes at N = 8 and edges of the tiles (65 and 130 rows, columns not a multiple of 128, groups, stride).
LARGE = [  # N, C_in, H, W, C_out, k, stride, pad, groups
    (8, 64, 56, 56, 64, 3, 1, 1, 1), (8, 256, 56, 56, 64, 1, 1, 0, 1), (8, 128, 28, 28, 128, 3, 1, 1, 1),
    (8, 3, 224, 224, 64, 7, 2, 3, 1), (8, 512, 7, 7, 512, 3, 1, 1, 1), (5, 65, 37, 41, 130, 3, 2, 1, 1),
    (3, 130, 45, 43, 65, 2, 1, 0, 1), (4, 96, 33, 35, 192, 3, 1, 2, 2), (2, 33, 70, 69, 40, 3, 1, 1, 1),
]


def large_cases(c4j, dev):
    for n, cin, h, w, cout, k, s, p, g in LARGE:
        x = torch.randn(n, cin, h, w, device=dev, dtype=torch.float64)
        wt = torch.randn(cout, cin // g, k, k, device=dev, dtype=torch.float64)
        b = torch.randn(cout, device=dev, dtype=torch.float64)
        desc = Conv4jCuda.conv_desc(x.shape, wt.shape, (s, s), (p, p, p, p), (1, 1), g)
        x.requires_grad_(True)
        wt.requires_grad_(True)
        y_ref = F.conv2d(x, wt, b, stride=s, padding=p, groups=g)
        dy = torch.randn_like(y_ref)
        gx, gw = torch.autograd.grad(y_ref, [x, wt], dy)
        f = lambda t: t.detach().float().contiguous()
        what = f"conv {desc}"
        close_scaled(c4j.conv2d(desc, f(x), f(wt), f(b)), y_ref.detach(), "forward " + what, cin // g * k * k)
        close_scaled(c4j.conv2d_backward_data(desc, f(dy), f(wt)), gx, "backward-data " + what, cout // g * k * k)
        close_scaled(c4j.conv2d_backward_weights(desc, f(dy), f(x)), gw, "backward-weights " + what,
                     n * y_ref.shape[2] * y_ref.shape[3])


def determinism(c4j, dev):
    x, dy = torch.randn(64, 64, 56, 56, device=dev), torch.randn(64, 64, 56, 56, device=dev)
    desc = Conv4jCuda.conv_desc(x.shape, (64, 64, 3, 3), padding=(1, 1, 1, 1))
    first, firstb = c4j.conv2d_backward_weights(desc, dy, x), c4j.conv2d_backward_bias(dy)
    for _ in range(5):
        assert torch.equal(first, c4j.conv2d_backward_weights(desc, dy, x)), "backward-weights bits differ"
        assert torch.equal(firstb, c4j.conv2d_backward_bias(dy)), "backward-bias bits differ"


def refusals(c4j, dev):
    x = torch.randn(1, 2, 5, 5, device=dev)
    desc = Conv4jCuda.conv_desc(x.shape, (4, 2, 3, 3))
    desc[16] += 1
    try:
        c4j.conv2d(desc, x, torch.randn(4, 2, 3, 3, device=dev))
    except Conv4jCudaError as e:
        assert "inconsistent convolution descriptor" in str(e), str(e)
    else:
        raise AssertionError("bad descriptor accepted")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--lib", default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-large", action="store_true", help="skip the large-tile shapes (e.g. under a sanitizer)")
    a = ap.parse_args()
    torch.backends.cudnn.deterministic = True
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False  # compare with full float32 arithmetic
    c4j, dev, rng = Conv4jCuda(a.lib), torch.device("cuda"), random.Random(a.seed)
    torch.manual_seed(a.seed)
    print("device:", c4j.device, "| torch", torch.__version__)
    for i in range(a.cases):
        conv_case(c4j, rng, dev)
        pool_case(c4j, rng, dev)
    if not a.no_large:
        large_cases(c4j, dev)
    determinism(c4j, dev)
    refusals(c4j, dev)
    print(f"check.py: {a.cases} conv cases (fwd, bwd-data, bwd-weights, bias) and {a.cases} pool cases "
          f"(max/avg fwd+bwd) match torch; "
          f"{0 if a.no_large else len(LARGE)} large-tile shapes match float64; gradients deterministic; bad descriptor refused")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print("MISMATCH:", e)
        sys.exit(1)
