"""Seeded weights in the published CartoonGAN layout, written by numpy.

    python3 published_weights.py FOLDER [SEED]

One .npy per tensor, named and shaped as shared/pretrained/README.md lays out the
published Hayao set: convolutions `NAME.weight` (out, in, k, k) and `NAME.bias`, transposed
convolutions (in, out, 3, 3), instance norms `NAME.scale` and `NAME.shift`. Weights are
scaled as He et al. initialise them, so activations keep a useful range through the net.
"""
import os
import sys

import numpy as np


def layout():
    yield "conv01_1", "conv", 3, 64, 7
    yield "in01_1", "norm", 64
    yield "conv02_1", "conv", 64, 128, 3
    yield "conv02_2", "conv", 128, 128, 3
    yield "in02_1", "norm", 128
    yield "conv03_1", "conv", 128, 256, 3
    yield "conv03_2", "conv", 256, 256, 3
    yield "in03_1", "norm", 256
    for block in range(4, 12):
        for half in (1, 2):
            yield "conv%02d_%d" % (block, half), "conv", 256, 256, 3
            yield "in%02d_%d" % (block, half), "norm", 256
    yield "deconv01_1", "transposed", 256, 128
    yield "deconv01_2", "conv", 128, 128, 3
    yield "in12_1", "norm", 128
    yield "deconv02_1", "transposed", 128, 64
    yield "deconv02_2", "conv", 64, 64, 3
    yield "in13_1", "norm", 64
    yield "deconv03_1", "conv", 64, 3, 7


def main(folder, seed):
    random = np.random.default_rng(seed)
    os.makedirs(folder, exist_ok=True)
    tensors = {}
    for name, kind, *sizes in layout():
        if kind == "norm":
            tensors[name + ".scale"] = random.uniform(0.5, 1.5, sizes[0])
            tensors[name + ".shift"] = random.normal(0, 0.2, sizes[0])
            continue
        if kind == "conv":
            inputs, outputs, kernel = sizes
            shape = (outputs, inputs, kernel, kernel)
        else:
            inputs, outputs = sizes
            kernel, shape = 3, (inputs, outputs, 3, 3)
        tensors[name + ".weight"] = random.normal(0, np.sqrt(2 / (inputs * kernel * kernel)), shape)
        tensors[name + ".bias"] = random.normal(0, 0.1, outputs)
    for name, values in tensors.items():
        np.save(os.path.join(folder, name + ".npy"), values.astype(np.float32))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1)
