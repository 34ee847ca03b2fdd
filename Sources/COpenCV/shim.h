/* OpenCV's headers are C++ and are included only by CImageBridge; this module exists to carry
   the opencv4 pkg-config flags to it. */
