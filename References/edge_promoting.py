"""Reference for Celshade's edge smoothing, written from the CartoonGAN recipe.

    python3 edge_promoting.py IN.png OUT.png [LOW HIGH DILATION GAUSSIAN]

Canny on the grey image (OpenCV's BGR-to-grey conversion of the decoded colour image),
the edge map dilated by a square kernel, and every pixel under it replaced by the sum of
its reflect-padded neighbourhood weighted by the outer product of OpenCV's 1-D Gaussian
kernel, computed in float64 and truncated to 8 bits, as the public edge_promoting scripts
do pixel by pixel. Pixels away from edges are copied.
"""
import sys

import cv2
import numpy as np


def smooth(bgr, low, high, dilation, size):
    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    edges = cv2.Canny(grey, low, high)
    mask = cv2.dilate(edges, np.ones((dilation, dilation), np.uint8)) != 0
    gauss = cv2.getGaussianKernel(size, 0)
    weights = gauss * gauss.transpose(1, 0)
    pad = size // 2
    padded = np.pad(bgr, ((pad, pad), (pad, pad), (0, 0)), mode="reflect").astype(np.float64)
    height, width = bgr.shape[:2]
    average = np.zeros(bgr.shape, np.float64)
    for dy in range(size):
        for dx in range(size):
            average += weights[dy, dx] * padded[dy:dy + height, dx:dx + width]
    result = bgr.copy()
    result[mask] = average[mask].astype(np.uint8)  # truncation, as the scripts' uint8 stores
    return result


if __name__ == "__main__":
    low, high, dilation, size = (float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]),
                                 int(sys.argv[6])) if len(sys.argv) > 3 else (100, 200, 5, 5)
    image = cv2.imread(sys.argv[1], cv2.IMREAD_COLOR)
    cv2.imwrite(sys.argv[2], smooth(image, low, high, dilation, size))
