// Runs one suite by name (ctest registers each suite as its own test) or all suites without arguments.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "conv4j/conv4j_cpu.h"
#include "harness.h"

namespace t4j {

int g_failures = 0;

bool close_enough(const std::vector<float> &e, const std::vector<float> &a, const std::string &what, float tol) {
    if (e.size() != a.size()) {
        ++g_failures;
        std::fprintf(stderr, "FAILED %s: %zu values, expected %zu\n", what.c_str(), a.size(), e.size());
        return false;
    }
    for (size_t i = 0; i < e.size(); ++i) {
        bool same_nan = std::isnan(e[i]) && std::isnan(a[i]);
        if (!same_nan && !(std::fabs(e[i] - a[i]) <= tol * std::fmax(1.f, std::fabs(e[i])))) {
            ++g_failures;
            std::fprintf(stderr, "FAILED %s: value %zu is %.8g, expected %.8g\n", what.c_str(), i, a[i], e[i]);
            return false;
        }
    }
    return true;
}

bool run_tasks_shuffled(std::mt19937 &rng, int tasks, int parts, const TaskRunner &run, const std::string &what) {
    std::vector<std::pair<int, int>> chunks;
    for (int t = 0; t < tasks;) {
        int len = std::uniform_int_distribution<int>(1, std::max(1, (tasks - t + 1) / 2))(rng);
        chunks.emplace_back(t, t + len);
        t += len;
    }
    std::shuffle(chunks.begin(), chunks.end(), rng);
    for (auto &c : chunks) {
        int s = run(parts, c.first, c.second);
        if (s != C4J_OK) {
            T4J_EXPECT(s == C4J_OK, "%s: status %d for tasks [%d, %d)", what.c_str(), s, c.first, c.second);
            return false;
        }
    }
    return true;
}

std::vector<float> random_values(std::mt19937 &rng, int64_t n) {
    std::uniform_real_distribution<float> d(-1.f, 1.f);
    std::vector<float> v(static_cast<size_t>(n));
    for (auto &x : v) x = d(rng);
    return v;
}

}  // namespace t4j

int main(int argc, char **argv) {
    struct Suite {
        const char *name;
        void (*run)();
    } suites[] = {{"im2col", t4j::suite_im2col},
                  {"conv_forward", t4j::suite_conv_forward},
                  {"conv_backward_data", t4j::suite_conv_backward_data},
                  {"conv_backward_weights", t4j::suite_conv_backward_weights},
                  {"conv_bias", t4j::suite_conv_bias},
                  {"pool_max", t4j::suite_pool_max},
                  {"pool_avg", t4j::suite_pool_avg},
                  {"pool_s1", t4j::suite_pool_s1},
                  {"bad_input", t4j::suite_bad_input},
                  {"conv_winograd", t4j::suite_winograd},
                  {"conv_pointwise", t4j::suite_pointwise},
                  {"conv_impl_list", t4j::suite_impl_list}};
    c4j_cpu_set_blas_threads(1);
    int ran = 0;
    for (const Suite &s : suites) {
        if (argc > 1 && std::strcmp(argv[1], s.name) != 0) continue;
        int before = t4j::g_failures;
        if (std::strncmp(s.name, "conv_", 5) == 0) {
            // every kernel family has a portable flavour, some an AVX2 one below the AVX-512 one, or a NEON
            // one: run the convolution suites under each ISA cap
            const int best = c4j_cpu_isa();  // the cap is auto here
            c4j_cpu_set_isa(C4J_ISA_SCALAR);
            s.run();
            if (best == C4J_ISA_AVX512) {  // else the run below is the AVX2 one
                c4j_cpu_set_isa(C4J_ISA_AVX2);
                s.run();
            }
            c4j_cpu_set_isa(C4J_ISA_AUTO);
        }
        s.run();
        std::printf("%-24s %s\n", s.name, t4j::g_failures == before ? "ok" : "FAILED");
        ++ran;
    }
    if (ran == 0) {
        std::fprintf(stderr, "unknown suite %s\n", argv[1]);
        return 2;
    }
    const int f = c4j_cpu_features();
    std::printf("cpu features: %s%s, OpenBLAS threads %d\n",
                f & C4J_CPU_AVX2_FMA ? "AVX2+FMA" : f & C4J_CPU_NEON ? "NEON" : "scalar",
                f & C4J_CPU_AVX512 ? " AVX-512" : "", c4j_cpu_blas_threads());
    return t4j::g_failures == 0 ? 0 : 1;
}
