"""Video in: probing and frame reading. (Video out lives in `report.video`.)"""

from .video import VideoFrame, VideoInfo, iter_frames, probe_video

__all__ = ["VideoFrame", "VideoInfo", "iter_frames", "probe_video"]
