// A minimal test harness: suites are functions that report failures through CHECK-style helpers.
#ifndef CONV4J_TEST_HARNESS_H
#define CONV4J_TEST_HARNESS_H

#include <cstdint>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace t4j {

extern int g_failures;

#define T4J_EXPECT(cond, ...)                                              \
    do {                                                                   \
        if (!(cond)) {                                                     \
            ++t4j::g_failures;                                             \
            std::fprintf(stderr, "%s:%d: FAILED %s: ", __FILE__, __LINE__, #cond); \
            std::fprintf(stderr, __VA_ARGS__);                             \
            std::fprintf(stderr, "\n");                                    \
        }                                                                  \
    } while (0)

// Compares with a relative/absolute tolerance suited to float32 sums; reports the first mismatch.
bool close_enough(const std::vector<float> &expected, const std::vector<float> &actual, const std::string &what,
                  float tol = 1e-4f);

std::vector<float> random_values(std::mt19937 &rng, int64_t n);

// One call of a kernel on tasks [t0, t1) of a plan cut into `parts`; returns a C4J_* status.
using TaskRunner = std::function<int(int parts, int t0, int t1)>;

// Runs tasks [0, tasks) in random chunks and in shuffled order, as concurrent Java threads would;
// returns false (and reports) on a non-OK status.
bool run_tasks_shuffled(std::mt19937 &rng, int tasks, int parts, const TaskRunner &run, const std::string &what);

// Suites
void suite_im2col();
void suite_conv_forward();
void suite_conv_backward_data();
void suite_conv_backward_weights();
void suite_conv_bias();
void suite_pool_max();
void suite_pool_avg();
void suite_pool_s1();
void suite_bad_input();
void suite_winograd();
void suite_pointwise();
void suite_impl_list();

}  // namespace t4j

#endif
