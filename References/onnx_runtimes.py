"""Runs an ONNX model that cel-export wrote through the runtimes users take it to.

    python onnx_runtimes.py MODEL.onnx INPUT.npy OUTPUT_PREFIX [THREADS]

Checks the model with onnx.checker (full check, shapes inferred), then runs INPUT.npy
(N x 3 x H x W float32) through ONNX Runtime's CPU provider and OpenVINO's CPU plugin at
float32 precision, and writes OUTPUT_PREFIX-onnxruntime.npy and OUTPUT_PREFIX-openvino.npy.
Prints each runtime's seconds for the forward pass, after one pass to warm up.
"""
import sys
import time

import numpy as np
import onnx
import onnxruntime
import openvino


def timed(run, picture):
    run(picture)
    start = time.perf_counter()
    output = run(picture)
    return output, time.perf_counter() - start


def main(model_path, input_path, prefix, threads=2):
    onnx.checker.check_model(onnx.load(model_path), full_check=True)
    picture = np.load(input_path)

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    session = onnxruntime.InferenceSession(
        model_path, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    output, seconds = timed(lambda x: session.run(None, {name: x})[0], picture)
    np.save(prefix + "-onnxruntime.npy", output.astype(np.float32))
    print("onnxruntime %.3f" % seconds)

    compiled = openvino.Core().compile_model(
        model_path, "CPU", {"INFERENCE_PRECISION_HINT": "f32", "INFERENCE_NUM_THREADS": threads})
    output, seconds = timed(lambda x: compiled(x)[0], picture)
    np.save(prefix + "-openvino.npy", output.astype(np.float32))
    print("openvino %.3f" % seconds)


main(sys.argv[1], sys.argv[2], sys.argv[3], *map(int, sys.argv[4:5]))
