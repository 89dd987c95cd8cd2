"""Video in: probing and frame reading. (Video out lives in `report.video`.)"""

from .video import (
                    VideoFrame,
                    VideoInfo,
                    frame_pts,
                    i420_hw,
                    i420_planes,
                    iter_frames,
                    looks_like_video,
                    picture_kind,
                    prefetch,
                    probe_video,
                    short_of_header,
)

__all__ = [
    "VideoFrame",
    "VideoInfo",
    "frame_pts",
    "i420_hw",
    "i420_planes",
    "iter_frames",
    "looks_like_video",
    "picture_kind",
    "prefetch",
    "probe_video",
    "short_of_header",
]
