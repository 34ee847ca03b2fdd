"""One ONNX runtime's forward pass over a picture, the peer of cel-apply on an exported model.

    python onnx_forward.py onnxruntime|openvino MODEL.onnx INPUT.npy bgr|rgb THREADS OUTPUT.npy

INPUT.npy holds the picture as a network input (1 x 3 x H x W in [-1, 1]) in the channel
order given; the model takes RGB (cel-export's convention), so BGR planes are flipped on the
way in. OUTPUT.npy gets the cartoon's planes in BGR order, as OpenCV reads pictures. Prints
"seconds-forward S": the best of two passes after one to warm up (OpenVINO at float32).
"""
import sys
import time

import numpy as np


def session(runtime, model, threads):
    if runtime == "onnxruntime":
        import onnxruntime
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        loaded = onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        name = loaded.get_inputs()[0].name
        return lambda x: loaded.run(None, {name: x})[0]
    import openvino
    compiled = openvino.Core().compile_model(
        model, "CPU", {"INFERENCE_PRECISION_HINT": "f32", "INFERENCE_NUM_THREADS": threads})
    return lambda x: compiled(x)[0]


def main(runtime, model, input_path, order, threads, output_path):
    picture = np.load(input_path)
    if order == "bgr":
        picture = picture[:, ::-1].copy()
    run = session(runtime, model, threads)
    run(picture)
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        cartoon = run(picture)
        best = min(best, time.perf_counter() - start)
    np.save(output_path, np.ascontiguousarray(cartoon[:, ::-1], dtype=np.float32))
    print("seconds-forward %.3f" % best)


main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6])
