/**
 * Files in: {@link org.vecprop.io.SafeTensors} reads and writes the safetensors format (the
 * checkpoint format of Hugging Face and PyTorch) with plain Java, float32 tensors only;
 * {@link org.vecprop.io.Idx} reads datasets in the IDX format of MNIST and Fashion-MNIST, plain
 * or gzip-compressed. {@code org.vecprop.nn.Network} saves and loads its weights through
 * {@code SafeTensors}, in PyTorch's {@code nn.Sequential} naming and {@code nn.Linear} layout.
 *
 * <p>Every file vecprop refuses is refused with one checked type,
 * {@link org.vecprop.io.FileRejectedException} (an {@link java.io.IOException}), before anything
 * is returned or changed: a malformed file with its subclass
 * {@link org.vecprop.io.SafeTensorsFormatException} or {@link org.vecprop.io.IdxFormatException},
 * a well-formed one that does not fit with the type itself. Reading a file of {@code N} bytes
 * allocates at most a stated multiple of {@code N} plus a constant, whatever its header claims
 * (each reader's class comment states its bound).
 *
 * <p>Depends on nothing else in vecprop but its argument checks.
 */
package org.vecprop.io;
