package dev.adjoint.processor.ad;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Hygienic names for generated locals: a name is never one the user's method declares, nor one
 * given out before. Adjoints are {@code _d_x}, stored values {@code _t1}, {@code _t2}, ...; a
 * clash appends underscores, so a user's own {@code _d_x} stays untouched.
 */
final class Names {

    private final Set<String> taken = new HashSet<>();
    private final Map<String, Integer> counters = new HashMap<>();

    Names(Set<String> userNames) {
        taken.addAll(userNames);
    }

    /** A fresh name as close to {@code wanted} as possible. */
    String fresh(String wanted) {
        String name = wanted;
        while (!taken.add(name)) {
            name = name + "_";
        }
        return name;
    }

    String adjoint(String variable) {
        return fresh("_d_" + variable);
    }

    /** {@code _t0, _t1, ...} for values the forward sweep keeps; {@code _r0, ...} for reverse-sweep intermediates. */
    String temp(String prefix) {
        String name;
        do {
            name = prefix + counters.merge(prefix, 1, Integer::sum);
        } while (taken.contains(name));
        return fresh(name);
    }
}
