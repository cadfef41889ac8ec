/*
 * Replays cases computed by the java reference backend through the host harness and compares.
 *
 * Usage: c4j_cuda_host_replay FILE. FILE (little-endian, written by org.conv4j.cuda.HostHarnessReplayTest):
 *   "C4JR" int32 version(1) int32 cases, then per case:
 *   int32 op, int32 desc_len, int32 desc[desc_len], int32 arrays, then per array int32 len, float32 values[len].
 * The arrays are the operation's inputs in the order of the C API (an empty array = NULL bias) followed by the
 * java backend's output. Ops: 0 conv2d, 1 conv2dBackwardData, 2 conv2dBackwardWeights, 3 conv2dBackwardBias
 * (desc = dy shape), 4 maxPool2d, 5 maxPool2dBackward (dy, x), 6 avgPool2d, 7 avgPool2dBackward.
 * Exit status: 0 all match, 1 a mismatch, 2 an unreadable file or inconsistent case.
 */
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "host_emulator.hpp"

using namespace c4j::cuda;

namespace {

struct Reader {
    FILE* f;
    bool ok = true;
    int32_t i32() {
        unsigned char b[4];
        if (std::fread(b, 1, 4, f) != 4) {
            ok = false;
            return 0;
        }
        return (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24);
    }
    std::vector<float> floats() {
        int32_t n = i32();
        if (!ok || n < 0 || n > (1 << 26)) {
            ok = false;
            return {};
        }
        std::vector<float> v(n);
        for (int32_t i = 0; i < n && ok; i++) {
            int32_t bits = i32();
            std::memcpy(&v[i], &bits, 4);
        }
        return v;
    }
};

const char* const OP_NAMES[] = {"conv2d", "conv2dBackwardData", "conv2dBackwardWeights", "conv2dBackwardBias",
                                "maxPool2d", "maxPool2dBackward", "avgPool2d", "avgPool2dBackward"};

/* Same tolerance as the java-side backend conformance tests: float results of a different summation order. */
bool matches(const std::vector<float>& got, const std::vector<float>& want, bool exact, std::string& why) {
    if (got.size() != want.size()) {
        why = "length " + std::to_string(got.size()) + " vs " + std::to_string(want.size());
        return false;
    }
    for (size_t i = 0; i < got.size(); i++) {
        double tol = exact ? 0.0 : 1e-4 * (1.0 + std::fabs((double)want[i]));
        bool same = std::fabs((double)got[i] - want[i]) <= tol || (std::isnan(got[i]) && std::isnan(want[i]));
        if (!same) {
            char b[160];
            std::snprintf(b, sizeof b, "element %zu is %.9g, java says %.9g", i, got[i], want[i]);
            why = b;
            return false;
        }
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CASES_FILE\n", argv[0]);
        return 2;
    }
    FILE* f = std::fopen(argv[1], "rb");
    if (!f) {
        std::fprintf(stderr, "cannot open %s\n", argv[1]);
        return 2;
    }
    Reader r{f};
    char magic[4];
    if (std::fread(magic, 1, 4, f) != 4 || std::memcmp(magic, "C4JR", 4) != 0 || r.i32() != 1) {
        std::fprintf(stderr, "%s is not a conv4j replay file (version 1)\n", argv[1]);
        return 2;
    }
    int32_t cases = r.i32();
    int mismatches = 0;
    host::ThreadOrder order(host::ThreadOrder::SHUFFLED, 42);
    for (int32_t c = 0; c < cases && r.ok; c++) {
        int32_t op = r.i32();
        int32_t dlen = r.i32();
        if (!r.ok || op < 0 || op > 7 || dlen < 0 || dlen > 32) {
            std::fprintf(stderr, "case %d: bad header\n", c);
            return 2;
        }
        std::vector<int32_t> desc(dlen);
        for (auto& v : desc) v = r.i32();
        int32_t narr = r.i32();
        if (!r.ok || narr < 1 || narr > 4) {
            std::fprintf(stderr, "case %d: bad array count\n", c);
            return 2;
        }
        std::vector<std::vector<float>> a(narr);
        for (auto& v : a) v = r.floats();
        if (!r.ok) {
            std::fprintf(stderr, "case %d: truncated\n", c);
            return 2;
        }
        const std::vector<float>& want = a.back();
        std::vector<float> got;
        bool exact = false, consistent = true;
        bool isConv = op <= 2, isPool = op >= 4;
        if ((isConv && dlen != C4J_CONV_DESC_LEN) || (isPool && dlen != C4J_POOL_DESC_LEN) || (op == 3 && dlen != 4)) {
            consistent = false;
        } else if (isConv) {
            ConvDims d = conv_dims(desc.data());
            size_t nx = (size_t)d.n * d.cin * d.h * d.w, ny = (size_t)d.n * d.cout * d.hout * d.wout,
                   nw = (size_t)d.cout * d.cin_g * d.kh * d.kw;
            consistent = conv_dims_ok(d);
            if (consistent && op == 0) {
                consistent = narr == 4 && a[0].size() == nx && a[1].size() == nw && (a[2].empty() || a[2].size() == (size_t)d.cout);
                got.assign(ny, NAN);
                if (consistent) host::conv_forward(d, a[0].data(), a[1].data(), a[2].empty() ? nullptr : a[2].data(), got.data(), order);
            } else if (consistent && op == 1) {
                consistent = narr == 3 && a[0].size() == ny && a[1].size() == nw;
                got.assign(nx, NAN);
                if (consistent) host::conv_backward_data(d, a[0].data(), a[1].data(), got.data(), order);
            } else if (consistent) {
                consistent = narr == 3 && a[0].size() == ny && a[1].size() == nx;
                got.assign(nw, NAN);
                if (consistent) host::conv_backward_weights(d, a[0].data(), a[1].data(), got.data(), order);
            }
        } else if (op == 3) {
            int n = desc[0], ch = desc[1], hw = desc[2] * desc[3];
            consistent = n > 0 && ch > 0 && hw > 0 && narr == 2 && a[0].size() == (size_t)n * ch * hw;
            got.assign(ch > 0 ? ch : 0, NAN);
            if (consistent) host::conv_backward_bias(a[0].data(), n, ch, hw, got.data(), order);
        } else {
            PoolDims p = pool_dims(desc.data());
            size_t nx = (size_t)p.n * p.c * p.h * p.w, ny = (size_t)p.n * p.c * p.hout * p.wout;
            consistent = pool_dims_ok(p);
            if (consistent && op == 4) {
                exact = true;
                consistent = narr == 2 && a[0].size() == nx;
                got.assign(ny, NAN);
                if (consistent) host::max_pool_forward(p, a[0].data(), got.data(), order);
            } else if (consistent && op == 5) {
                consistent = narr == 3 && a[0].size() == ny && a[1].size() == nx;
                got.assign(nx, NAN);
                if (consistent) host::max_pool_backward(p, a[1].data(), a[0].data(), got.data(), order);
            } else if (consistent && op == 6) {
                consistent = narr == 2 && a[0].size() == nx;
                got.assign(ny, NAN);
                if (consistent) host::avg_pool_forward(p, a[0].data(), got.data(), order);
            } else if (consistent) {
                consistent = narr == 2 && a[0].size() == ny;
                got.assign(nx, NAN);
                if (consistent) host::avg_pool_backward(p, a[0].data(), got.data(), order);
            }
        }
        if (!consistent) {
            std::fprintf(stderr, "case %d (%s): inconsistent descriptor or array sizes\n", c, OP_NAMES[op]);
            return 2;
        }
        std::string why;
        if (!matches(got, want, exact, why)) {
            mismatches++;
            std::printf("case %d %s: MISMATCH %s\n", c, OP_NAMES[op], why.c_str());
        }
    }
    std::fclose(f);
    if (!r.ok) {
        std::fprintf(stderr, "file truncated\n");
        return 2;
    }
    std::printf("replayed %d cases: %d mismatches\n", cases, mismatches);
    return mismatches ? 1 : 0;
}
