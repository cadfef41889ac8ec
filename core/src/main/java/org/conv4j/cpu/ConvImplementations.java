package org.conv4j.cpu;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.conv4j.spi.ConvGeometry;

/**
 * The cpu backend's view of the native convolution implementation lists (conv_impl_list.cpp): their names,
 * the entry a call runs (the list's choice, or the one a system property forces), logged at DEBUG.
 */
final class ConvImplementations {
    private static final System.Logger LOG = System.getLogger("org.conv4j.cpu");
    private static volatile List<List<String>> names;

    private ConvImplementations() {
    }

    /** Every entry of the direction's list, in preference order; the native library must be loaded. */
    static List<String> names(ConvDirection d) {
        List<List<String>> all = names;
        if (all == null) {
            all = new ArrayList<>();
            for (ConvDirection dir : ConvDirection.values()) {
                List<String> l = new ArrayList<>();
                int count = CpuNative.c4j_conv2d_impl_count(dir.code());
                for (int i = 0; i < count; i++) {
                    l.add(CpuNative.c4j_conv2d_impl_name(dir.code(), i).getString());
                }
                all.add(Collections.unmodifiableList(l));
            }
            names = all;
        }
        return all.get(d.ordinal());
    }

    /** The names of the entries that apply to the geometry under the current ISA cap. */
    static List<String> applicable(ConvDirection d, int[] desc) {
        List<String> out = new ArrayList<>();
        List<String> all = names(d);
        for (int i = 0; i < all.size(); i++) {
            if (CpuNative.c4j_conv2d_impl_applies(desc, d.code(), i) == 1) {
                out.add(all.get(i));
            }
        }
        return out;
    }

    /**
     * The index of the entry a call runs: the one named by the direction's system property when set, else the
     * list's choice.
     *
     * @throws IllegalArgumentException when the property names no entry, or one that does not apply to g
     */
    static int choose(ConvDirection d, ConvGeometry g, int[] desc) {
        String forced = System.getProperty(d.property());
        int index;
        if (forced == null || forced.isBlank() || forced.trim().equals("auto")) {
            index = CpuNative.c4j_conv2d_impl_select(desc, d.code());
        } else {
            index = names(d).indexOf(forced.trim());
            if (index < 0) {
                throw new IllegalArgumentException("-D" + d.property() + "=" + forced + " names no cpu "
                        + "implementation; known: " + names(d));
            }
            if (CpuNative.c4j_conv2d_impl_applies(desc, d.code(), index) != 1) {
                throw new IllegalArgumentException("-D" + d.property() + "=" + forced + " does not apply to " + g
                        + " under ISA " + CpuBackend.isa() + "; these do: " + applicable(d, desc));
            }
        }
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, "cpu " + d + " " + g + ": " + names(d).get(index));
        }
        return index;
    }
}
