"""Video files written with OpenCV for the camera check: what a camera shows, as a file.

Each clip stands for one thing a real camera does: a live picture (a noise texture that moves a
few pixels each frame, so every frame differs as a real scene with a person does), a closed
shutter (black), a hung driver (the same frame over and over), a dim room, a slow camera
(3 frames per second) and an old low-resolution camera (320×240). Written as Motion-JPEG in AVI,
which every OpenCV build with FFmpeg can write and read.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np


def write_clip(
    path: Path,
    kind: str,
    *,
    fps: float = 30.0,
    size: tuple[int, int] = (640, 480),
    seconds: float = 2.0,
    level: int = 128,
) -> Path:
    """Write a clip of `kind` ("moving", "black", "frozen", "wakes-up") and return its path.

    "wakes-up" is black for its first 0.4 s and then moving, as a camera whose auto-exposure
    is still settling.

    `level` is the mean brightness (0–255) of the moving and frozen pictures: 30 makes a dark
    room, 128 a well-lit one.
    """
    width, height = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (width, height))
    assert writer.isOpened(), "this OpenCV build cannot write MJPG/AVI"
    rng = np.random.default_rng(20)
    spread = min(level, 255 - level, 60)
    texture = rng.integers(level - spread, level + spread + 1, (height, width * 2, 3), np.uint8)
    texture = cv2.GaussianBlur(texture, (5, 5), 0)
    for index in range(round(fps * seconds)):
        if kind == "black" or (kind == "wakes-up" and index < fps * 0.4):
            frame = np.zeros((height, width, 3), np.uint8)
        elif kind == "frozen":
            frame = np.ascontiguousarray(texture[:, :width])
        else:
            shift = (index * 7) % width
            frame = np.ascontiguousarray(texture[:, shift : shift + width])
        writer.write(frame)
    writer.release()
    return path
