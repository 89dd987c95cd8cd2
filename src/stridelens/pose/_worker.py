"""`python -m stridelens.pose._worker`: the second process of a two-process pose pass (see video_pass)."""

from stridelens.pose.video_pass import worker_main

worker_main()
