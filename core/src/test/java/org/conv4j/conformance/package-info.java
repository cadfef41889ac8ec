/**
 * The conformance suite: one set of tests run unchanged on every backend of
 * {@link org.conv4j.Backends#available()} (lz4-java's pattern), so a newly built {@code cpu} or
 * {@code cuda} backend is tested with no edit here.
 *
 * <ul>
 *   <li>{@code TextbookTest}: every printed output of the chapter (seeds/004 notebook).</li>
 *   <li>{@code ConvConformanceTest}, {@code PoolConformanceTest}: fixed and seeded random cases of all eight
 *       operations against {@code NaiveReference}, a float64 oracle written from the definitions and sharing
 *       nothing with the backends.</li>
 *   <li>{@code GradientCheckTest}: finite differences of the reference forward against the reference's and
 *       the backend's backward.</li>
 *   <li>{@code BackendIdentityTest}: the named backend really ran (result locations); with
 *       {@code CONV4J_EXPECT_BACKENDS=cpu,java} set, those backends must be available.</li>
 *   <li>{@code ChainingTest}, {@code ConcurrencyTest}: results fed back as inputs, across backends, thread
 *       counts, concurrent callers.</li>
 *   <li>{@code FuzzTest} ({@code FuzzCase}, {@code FuzzData}): seeded differential fuzzing of every operation
 *       with seven data modes (NaN/Inf and subnormals included) and extreme geometry, one-line reproducers;
 *       {@code ExtremeGeometryTest}: the defects it found, as fixed regression cases.</li>
 *   <li>{@code AccuracyContractTest} ({@code WinogradBound}): each algorithm against its own stated error
 *       bound (docs/accuracy.md), adversarial data, the issue-13 reproducer, bias checks.</li>
 *   <li>{@code SoakTest}: threads, {@code setThreads} changes, interrupts, closes and GC pressure for
 *       {@code conv4j.soak.seconds} (3; {@code mvn -B -Psoak test} runs it for 5 minutes).</li>
 * </ul>
 *
 * <p>Run: {@code mvn -q -o test -Dtest='org.conv4j.conformance.*Test,ErrorInputsTest'}. Note that
 * surefire reads {@code org.conv4j.conformance.*} as a file name with an extension and matches nothing
 * in this package; use {@code *Test} or {@code org/conv4j/conformance/**}.
 */
package org.conv4j.conformance;
