"""ctypes bindings of libconv4j_cuda (native/include/conv4j/conv4j_cuda.h) over PyTorch CUDA tensors.

Every function takes contiguous float32 CUDA tensors, allocates the output with torch and calls the C API on
their device pointers. Our library has its own (static) CUDA runtime and runs on its per-thread default stream,
while torch runs on its current stream: both share the device's primary context, so pointers are valid in both,
but ordering is not shared. Hence torch.cuda.synchronize() before each call (our calls synchronise before they
return). A failing call raises Conv4jCudaError with the library's message naming the operation and CUDA error.
"""
import ctypes
import os

import torch

C4J_CONV_DESC_LEN = 19  # conv4j_types.h; index 18 is C4J_CONV_ALGO (cpu only)
C4J_POOL_DESC_LEN = 13
_STATUS = {0: "OK", 1: "BAD_DESCRIPTOR", 2: "NULL_POINTER", 3: "OUT_OF_MEMORY", 4: "DEVICE"}


class Conv4jCudaError(RuntimeError):
    def __init__(self, status, message):
        super().__init__(f"{_STATUS.get(status, status)}: {message}")
        self.status = status


def _load(path=None):
    path = path or os.environ.get("CONV4J_CUDA_LIB", "build/cuda-lib/libconv4j_cuda.so")
    lib = ctypes.CDLL(os.path.abspath(path))
    i32, i64, fp, ip = ctypes.c_int32, ctypes.c_int64, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int32)
    sigs = {
        "c4j_cuda_last_error": ([], ctypes.c_char_p),
        "c4j_cuda_last_cuda_error": ([], i32),
        "c4j_cuda_device_count": ([ip], i32),
        "c4j_cuda_init": ([i32, ctypes.c_char_p, i32], i32),
        "c4j_cuda_conv2d_forward": ([ip, fp, fp, fp, fp], i32),
        "c4j_cuda_conv2d_backward_data": ([ip, fp, fp, fp], i32),
        "c4j_cuda_conv2d_backward_weights": ([ip, fp, fp, fp], i32),
        "c4j_cuda_conv2d_backward_bias": ([i32, i32, i32, i32, fp, fp], i32),
        "c4j_cuda_max_pool2d_forward": ([ip, fp, fp], i32),
        "c4j_cuda_max_pool2d_backward": ([ip, fp, fp, fp], i32),
        "c4j_cuda_avg_pool2d_forward": ([ip, fp, fp], i32),
        "c4j_cuda_avg_pool2d_backward": ([ip, fp, fp], i32),
        "c4j_cuda_backward_weights_workspace_bytes": ([ip], i64),
        "c4j_cuda_release_workspace": ([], i32),
    }
    for name, (args, res) in sigs.items():
        f = getattr(lib, name)
        f.argtypes = args
        f.restype = res
    return lib


class Conv4jCuda:
    """The C API on torch tensors. sync=False skips the torch.cuda.synchronize() before calls (benchmarks that
    synchronise themselves)."""

    def __init__(self, path=None, sync=True):
        self.lib = _load(path)
        self.sync = sync
        name = ctypes.create_string_buffer(256)
        self._check(self.lib.c4j_cuda_init(0, name, 256))
        self.device = name.value.decode()

    def _check(self, status):
        if status != 0:
            raise Conv4jCudaError(status, self.lib.c4j_cuda_last_error().decode())

    @staticmethod
    def _ptr(t):
        if t is None:
            return None
        assert t.is_cuda and t.dtype == torch.float32 and t.is_contiguous(), "need contiguous float32 CUDA tensors"
        return ctypes.c_void_p(t.data_ptr())

    @staticmethod
    def _desc(values, length):
        assert len(values) == length
        return (ctypes.c_int32 * length)(*values)

    def _pre(self):
        if self.sync:
            torch.cuda.synchronize()

    @staticmethod
    def conv_desc(x_shape, w_shape, stride=(1, 1), padding=(0, 0, 0, 0), dilation=(1, 1), groups=1):
        """padding = (top, bottom, left, right)."""
        n, cin, h, w = x_shape
        cout, _, kh, kw = w_shape
        pt, pb, pl, pr = padding
        hout = (h + pt + pb - dilation[0] * (kh - 1) - 1) // stride[0] + 1
        wout = (w + pl + pr - dilation[1] * (kw - 1) - 1) // stride[1] + 1
        # the last value is C4J_CONV_ALGO (the cpu backend's Winograd mode; the cuda backend ignores it)
        return [n, cin, h, w, cout, kh, kw, stride[0], stride[1], pt, pb, pl, pr, dilation[0], dilation[1], groups,
                hout, wout, 0]

    @staticmethod
    def pool_out(size, k, s, p, ceil_mode):
        span = size + 2 * p - k
        o = (-(-span // s) if ceil_mode else span // s) + 1
        if ceil_mode and (o - 1) * s >= size + p:
            o -= 1
        return o

    @classmethod
    def pool_desc(cls, x_shape, kernel, stride, padding, ceil_mode=False, count_include_pad=True):
        n, c, h, w = x_shape
        return [n, c, h, w, kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1],
                cls.pool_out(h, kernel[0], stride[0], padding[0], ceil_mode),
                cls.pool_out(w, kernel[1], stride[1], padding[1], ceil_mode), 1 if count_include_pad else 0]

    def conv2d(self, desc, x, w, bias=None):
        y = torch.empty((desc[0], desc[4], desc[16], desc[17]), device=x.device)
        self._pre()
        self._check(self.lib.c4j_cuda_conv2d_forward(self._desc(desc, C4J_CONV_DESC_LEN), self._ptr(x), self._ptr(w),
                                                     self._ptr(bias), self._ptr(y)))
        return y

    def conv2d_backward_data(self, desc, dy, w):
        dx = torch.empty((desc[0], desc[1], desc[2], desc[3]), device=dy.device)
        self._pre()
        self._check(self.lib.c4j_cuda_conv2d_backward_data(self._desc(desc, C4J_CONV_DESC_LEN), self._ptr(dy), self._ptr(w),
                                                           self._ptr(dx)))
        return dx

    def conv2d_backward_weights(self, desc, dy, x):
        dw = torch.empty((desc[4], desc[1] // desc[15], desc[5], desc[6]), device=dy.device)
        self._pre()
        self._check(self.lib.c4j_cuda_conv2d_backward_weights(self._desc(desc, C4J_CONV_DESC_LEN), self._ptr(dy), self._ptr(x),
                                                              self._ptr(dw)))
        return dw

    def conv2d_backward_bias(self, dy):
        n, c, h, w = dy.shape
        db = torch.empty((c,), device=dy.device)
        self._pre()
        self._check(self.lib.c4j_cuda_conv2d_backward_bias(n, c, h, w, self._ptr(dy), self._ptr(db)))
        return db

    def _pool(self, fn, desc, out_shape, *tensors):
        out = torch.empty(out_shape, device=tensors[0].device)
        self._pre()
        self._check(fn(self._desc(desc, 13), *[self._ptr(t) for t in tensors], self._ptr(out)))
        return out

    def max_pool2d(self, desc, x):
        return self._pool(self.lib.c4j_cuda_max_pool2d_forward, desc, (desc[0], desc[1], desc[10], desc[11]), x)

    def max_pool2d_backward(self, desc, dy, x):
        return self._pool(self.lib.c4j_cuda_max_pool2d_backward, desc, (desc[0], desc[1], desc[2], desc[3]), dy, x)

    def avg_pool2d(self, desc, x):
        return self._pool(self.lib.c4j_cuda_avg_pool2d_forward, desc, (desc[0], desc[1], desc[10], desc[11]), x)

    def avg_pool2d_backward(self, desc, dy):
        return self._pool(self.lib.c4j_cuda_avg_pool2d_backward, desc, (desc[0], desc[1], desc[2], desc[3]), dy)
