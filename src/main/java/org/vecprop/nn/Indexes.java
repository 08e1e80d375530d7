package org.vecprop.nn;

/**
 * Index checks whose message names the argument as the public API names it, in the form
 * {@code l must be in [0, depth() = 3), got 3}; the message is built only when the check fails,
 * so a passing check allocates nothing.
 */
final class Indexes {
    private Indexes() {}

    /**
     * {@return {@code index}, if {@code 0 <= index < size}}
     *
     * @param name the argument's name in the public API
     * @param size the bound
     * @param sizeName how the API names the bound, e.g. {@code size()}
     * @throws IndexOutOfBoundsException naming the argument, the range and the value otherwise
     */
    static int check(String name, int index, int size, String sizeName) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(name + " must be in [0, " + sizeName + " = " + size
                    + "), got " + index);
        }
        return index;
    }
}
