"""Other pose sources: marker files (OpenSim .mot, TRC, C3D) and keypoint files (OpenPose, gaitlab.pose JSON,
our keypoints.parquet), read into the same pipeline after pose estimation.

Each reader returns a `Recording`: a `tracking.Track` in (pseudo-)image pixels (y down) and a `SourceInfo`
(a `VideoInfo` with the file's facts). 3D markers are mapped to the canonical keypoints (`markers`) and
projected onto the sagittal plane (`sagittal`) at `PX_PER_M` pixels per metre. `sniff` tells the format
from the content; `read_source` reads any of them; `compare_events` scores our events against reference
events (force plates, annotations) carried by or beside the file.
"""

from .recording import Recording, ReferenceEvent, ReferenceEvents, SourceInfo, is_video
from .reference import EventAgreement, ReferenceComparison, compare_events, read_reference_csv
from .sagittal import PX_PER_M
from .sniff import FORMATS, read_source, sniff

__all__ = ["FORMATS", "PX_PER_M", "EventAgreement", "Recording", "ReferenceComparison", "ReferenceEvent",
           "ReferenceEvents", "SourceInfo", "compare_events", "is_video", "read_reference_csv", "read_source",
           "sniff"]
