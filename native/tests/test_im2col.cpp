// im2col and col2im are adjoint: <im2col(x), c> == <x, col2im(c)> for any x and c; and a range of
// columns equals the same columns of the full matrix.
#include "harness.h"
#include "conv/im2col.h"
#include "reference.h"

namespace t4j {

void suite_im2col() {
    std::mt19937 rng(7);
    for (int iter = 0; iter < 300; ++iter) {
        Conv c = random_conv(rng);
        std::vector<int32_t> d = c.desc();
        c4j::ConvGeo g;
        T4J_EXPECT(c4j::load_conv(d.data(), g), "%s", c.str().c_str());
        int cig = c.cin / c.groups;
        std::vector<float> x = random_values(rng, int64_t(cig) * c.h * c.w);
        std::vector<float> col(static_cast<size_t>(g.kg * g.hw), NAN);
        c4j::im2col_range(g, x.data(), cig, 0, g.hw, col.data(), g.hw);
        std::vector<float> cv = random_values(rng, g.kg * g.hw);
        std::vector<float> back(x.size(), 0.f);
        c4j::col2im_add(g, cv.data(), cig, back.data());
        double lhs = 0, rhs = 0;
        for (size_t i = 0; i < col.size(); ++i) lhs += double(col[i]) * cv[i];
        for (size_t i = 0; i < x.size(); ++i) rhs += double(x[i]) * back[i];
        T4J_EXPECT(std::fabs(lhs - rhs) <= 1e-4 * (1 + std::fabs(lhs)), "%s: <im2col x, c> %.9g != <x, col2im c> %.9g",
                   c.str().c_str(), lhs, rhs);
        // a column range, written with a row stride, matches the full matrix
        int64_t q0 = std::uniform_int_distribution<int64_t>(0, g.hw - 1)(rng);
        int64_t q1 = std::uniform_int_distribution<int64_t>(q0 + 1, g.hw)(rng);
        int64_t len = q1 - q0;
        std::vector<float> part(static_cast<size_t>(g.kg * (len + 3)), -7.f);
        c4j::im2col_range(g, x.data(), cig, q0, q1, part.data(), len + 3);
        for (int64_t r = 0; r < g.kg; ++r) {
            for (int64_t q = 0; q < len; ++q) {
                if (part[r * (len + 3) + q] != col[r * g.hw + q0 + q]) {
                    T4J_EXPECT(false, "%s: range [%lld, %lld) row %lld col %lld differs", c.str().c_str(),
                               (long long)q0, (long long)q1, (long long)r, (long long)q);
                    r = g.kg;
                    break;
                }
            }
            if (r < g.kg) {
                for (int q = 0; q < 3; ++q) T4J_EXPECT(part[r * (len + 3) + len + q] == -7.f, "%s: wrote past the range", c.str().c_str());
            }
        }
        // rows [r0, r1) from padded copies of the channels they touch equal the same rows of the full matrix
        int64_t r0 = std::uniform_int_distribution<int64_t>(0, g.kg - 1)(rng);
        int64_t r1 = std::uniform_int_distribution<int64_t>(r0 + 1, g.kg)(rng);
        int64_t c_first = r0 / g.khkw, nch = (r1 - 1) / g.khkw - c_first + 1;
        std::vector<float> xp(static_cast<size_t>(nch * c4j::padded_plane(g)), NAN);
        c4j::pad_planes(g, x.data() + c_first * g.in_plane, static_cast<int>(nch), xp.data());
        std::vector<float> rows(static_cast<size_t>((r1 - r0) * len), NAN);
        c4j::im2col_rows_padded(g, xp.data(), c_first, r0, r1, q0, q1, rows.data(), len);
        int bad = 0;
        for (int64_t r = r0; r < r1 && bad == 0; ++r)
            for (int64_t q = 0; q < len; ++q)
                if (!(rows[(r - r0) * len + q] == col[r * g.hw + q0 + q])) ++bad;
        T4J_EXPECT(bad == 0, "%s: padded rows [%lld, %lld) columns [%lld, %lld) differ", c.str().c_str(),
                   (long long)r0, (long long)r1, (long long)q0, (long long)q1);
    }
}

}  // namespace t4j
