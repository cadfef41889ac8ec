"""Runs one convolution of bench.py's shapes a few times through libconv4j_cuda, for a profiler to attach to:

    ncu --kernel-name regex:gemm_tile --launch-skip 2 --launch-count 1 python3 one.py s6 64 fwd
"""
import sys

import torch

from bench import SHAPES
from conv4j_cuda import Conv4jCuda


def main():
    sid, n, direction = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    cin, h, w, cout, k, s, p = SHAPES[sid]
    c4j, dev = Conv4jCuda(), torch.device("cuda")
    x, wt = torch.randn(n, cin, h, w, device=dev), torch.randn(cout, cin, k, k, device=dev)
    desc = Conv4jCuda.conv_desc(x.shape, wt.shape, (s, s), (p, p, p, p))
    dy = torch.randn(n, cout, desc[16], desc[17], device=dev)
    for _ in range(4):
        if direction == "fwd":
            c4j.conv2d(desc, x, wt)
        elif direction == "bwd-d":
            c4j.conv2d_backward_data(desc, dy, wt)
        else:
            c4j.conv2d_backward_weights(desc, dy, x)
    torch.cuda.synchronize()


if __name__ == "__main__":
    main()
