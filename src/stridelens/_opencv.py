"""OpenCV as every stage uses it: imported from here, so that it runs single-threaded.

OpenCV splits a call over a pool of its own threads, one per core. Here each OpenCV call already runs beside
other busy threads (the two pose models, the decoder, x264), so its helpers only take CPU from them, and
wait for work spinning: drawing the demo's 360 annotated frames took 1.43-1.66 s of CPU with OpenCV's
2 threads against 0.87 s with one, in the same wall time (docs/performance.md, eighth round).
"""

import cv2

cv2.setNumThreads(1)

__all__ = ["cv2"]
