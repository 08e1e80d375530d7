/**
 * Weights in and out: {@link org.vecprop.io.SafeTensors} reads and writes the safetensors format
 * (the checkpoint format of Hugging Face and PyTorch) with plain Java, float32 tensors only, and
 * rejects a malformed file with a {@link org.vecprop.io.SafeTensorsFormatException} before
 * returning anything. {@code org.vecprop.nn.Network} saves and loads its weights through it, in
 * PyTorch's {@code nn.Sequential} naming and {@code nn.Linear} layout.
 *
 * <p>Depends on nothing else in vecprop.
 */
package org.vecprop.io;
