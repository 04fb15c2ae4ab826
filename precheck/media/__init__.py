"""Pure analysis of media buffers (video frames, audio samples) into numbers.

The live host's producers call these on what a camera or microphone delivered, and tests call
them on generated frames and buffers; only the numbers leave, never a picture or a sound.
"""
