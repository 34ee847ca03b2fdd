#include "CImageBridge.h"

// OpenCV 4.6 (Debian 12): the shared-library version of libopencv_imgcodecs.
#define CVB_OPENCV_SOVERSION "406"

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

struct cvb_image {
  cv::Mat mat;
};

static thread_local std::string lastError;

static cvb_status fail(cvb_status code, std::string message) {
  lastError = std::move(message);
  return code;
}

template <typename Body> static cvb_status guarded(Body body) noexcept {
  try {
    return body();
  } catch (const cv::Exception &e) {
    return fail(CVB_ERR_OPENCV, e.what());
  } catch (const std::exception &e) {
    return fail(CVB_ERR_UNKNOWN, e.what());
  } catch (...) {
    return fail(CVB_ERR_UNKNOWN, "non-standard C++ exception");
  }
}

static cvb_status hand_out(cv::Mat mat, cvb_image **out) {
  *out = new cvb_image{std::move(mat)};
  return CVB_OK;
}

static cv::Mat grey_of(const cv::Mat &mat) {
  cv::Mat grey;
  switch (mat.channels()) {
  case 1:
    grey = mat;
    break;
  case 3:
    cv::cvtColor(mat, grey, cv::COLOR_BGR2GRAY);
    break;
  case 4:
    cv::cvtColor(mat, grey, cv::COLOR_BGRA2GRAY);
    break;
  default:
    throw std::invalid_argument("unsupported channel count");
  }
  return grey;
}

extern "C" cvb_status cvb_image_from_pixels(const uint8_t *pixels, int width, int height,
                                            int channels, size_t bytes_per_row, cvb_image **out) {
  return guarded([&] {
    if (!pixels || width <= 0 || height <= 0 || (channels != 1 && channels != 3 && channels != 4))
      return fail(CVB_ERR_ARGUMENT, "invalid pixel buffer");
    cv::Mat borrowed(height, width, CV_8UC(channels), const_cast<uint8_t *>(pixels), bytes_per_row);
    return hand_out(borrowed.clone(), out);
  });
}

// libopencv_imgcodecs brings GDAL and some 140 libraries with it, whose loading takes a
// quarter of a second at every start. It is opened on the first file read or write, so a
// command that never reads image files (cel-extract) does not pay for it.
namespace {
struct Codecs {
  cv::Mat (*read)(const cv::String &, int) = nullptr;
  bool (*write)(const cv::String &, cv::InputArray, const std::vector<int> &) = nullptr;
  bool (*encode)(const cv::String &, cv::InputArray, std::vector<uchar> &,
                 const std::vector<int> &) = nullptr;
  std::string problem;
};

const Codecs &codecs() {
  static const Codecs loaded = [] {
    Codecs codecs;
    const char *library = "libopencv_imgcodecs.so." CVB_OPENCV_SOVERSION;
    void *handle = dlopen(library, RTLD_NOW | RTLD_GLOBAL);
    if (!handle) {
      codecs.problem = std::string("cannot load ") + library + ": " + dlerror();
      return codecs;
    }
    codecs.read = reinterpret_cast<decltype(codecs.read)>(
        dlsym(handle, "_ZN2cv6imreadERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEEi"));
    codecs.write = reinterpret_cast<decltype(codecs.write)>(
        dlsym(handle, "_ZN2cv7imwriteERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEERKNS_"
                      "11_InputArrayERKSt6vectorIiSaIiEE"));
    codecs.encode = reinterpret_cast<decltype(codecs.encode)>(
        dlsym(handle, "_ZN2cv8imencodeERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEERKNS_"
                      "11_InputArrayERSt6vectorIhSaIhEERKSB_IiSaIiEE"));
    if (!codecs.read || !codecs.write || !codecs.encode)
      codecs.problem = std::string(library) + " lacks cv::imread, cv::imwrite or cv::imencode";
    return codecs;
  }();
  if (!loaded.problem.empty()) throw std::runtime_error(loaded.problem);
  return loaded;
}
} // namespace

extern "C" cvb_status cvb_image_read(const char *path, cvb_image **out) {
  // OpenCV would print its own warning for every unreadable file; the caller reports it.
  static const bool quiet =
      (cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR), true);
  (void)quiet;
  return guarded([&] {
    cv::Mat mat = codecs().read(path, cv::IMREAD_UNCHANGED);
    if (mat.empty()) return fail(CVB_ERR_IO, "not an image OpenCV can decode");
    return hand_out(std::move(mat), out);
  });
}

extern "C" cvb_status cvb_image_write(const cvb_image *image, const char *path, const int *params,
                                      int param_count) {
  return guarded([&] {
    std::vector<int> list(params, params + std::max(param_count, 0));
    if (!codecs().write(path, image->mat, list)) return fail(CVB_ERR_IO, "cannot encode image");
    return CVB_OK;
  });
}

extern "C" void cvb_image_info(const cvb_image *image, int *width, int *height, int *channels,
                               int *depth) {
  *width = image->mat.cols;
  *height = image->mat.rows;
  *channels = image->mat.channels();
  switch (image->mat.depth()) {
  case CV_8U:
  case CV_8S:
    *depth = 8;
    break;
  case CV_16U:
  case CV_16S:
  case CV_16F:
    *depth = 16;
    break;
  default:
    *depth = 32;
    break;
  }
}

extern "C" cvb_status cvb_image_copy_pixels(const cvb_image *image, uint8_t *pixels,
                                            size_t capacity) {
  return guarded([&] {
    const cv::Mat &mat = image->mat;
    size_t row = size_t(mat.cols) * mat.elemSize();
    if (mat.depth() != CV_8U || capacity != row * mat.rows)
      return fail(CVB_ERR_ARGUMENT, "buffer does not match an 8-bit image");
    for (int y = 0; y < mat.rows; ++y) std::copy_n(mat.ptr<uint8_t>(y), row, pixels + row * y);
    return CVB_OK;
  });
}

extern "C" cvb_status cvb_image_to_bgr8(const cvb_image *image, cvb_image **out) {
  return guarded([&] {
    cv::Mat eight;
    switch (image->mat.depth()) {
    case CV_8U:
      eight = image->mat;
      break;
    case CV_16U:
      image->mat.convertTo(eight, CV_8U, 1.0 / 257.0);
      break;
    case CV_32F:
    case CV_64F:
      image->mat.convertTo(eight, CV_8U, 255.0);
      break;
    default:
      return fail(CVB_ERR_ARGUMENT, "unsupported pixel depth");
    }
    cv::Mat bgr;
    switch (eight.channels()) {
    case 1:
      cv::cvtColor(eight, bgr, cv::COLOR_GRAY2BGR);
      break;
    case 3:
      bgr = eight.clone();
      break;
    case 4:
      cv::cvtColor(eight, bgr, cv::COLOR_BGRA2BGR);
      break;
    default:
      return fail(CVB_ERR_ARGUMENT, "unsupported channel count");
    }
    return hand_out(std::move(bgr), out);
  });
}

extern "C" cvb_status cvb_image_crop(const cvb_image *image, int x, int y, int width, int height,
                                     cvb_image **out) {
  return guarded([&] {
    cv::Rect rect(x, y, width, height);
    if (width <= 0 || height <= 0 ||
        (rect & cv::Rect(0, 0, image->mat.cols, image->mat.rows)) != rect)
      return fail(CVB_ERR_ARGUMENT, "crop rectangle outside the image");
    return hand_out(image->mat(rect).clone(), out);
  });
}

extern "C" cvb_status cvb_image_resize(const cvb_image *image, int width, int height,
                                       cvb_interpolation interpolation, cvb_image **out) {
  return guarded([&] {
    if (width <= 0 || height <= 0) return fail(CVB_ERR_ARGUMENT, "empty target size");
    int flag = interpolation == CVB_INTER_AREA    ? cv::INTER_AREA
               : interpolation == CVB_INTER_CUBIC ? cv::INTER_CUBIC
                                                  : cv::INTER_LINEAR;
    cv::Mat resized;
    cv::resize(image->mat, resized, cv::Size(width, height), 0, 0, flag);
    return hand_out(std::move(resized), out);
  });
}

extern "C" cvb_status cvb_image_rotate(const cvb_image *image, int quarter_turns, cvb_image **out) {
  return guarded([&] {
    cv::Mat rotated;
    switch (((quarter_turns % 4) + 4) % 4) {
    case 0:
      rotated = image->mat.clone();
      break;
    case 1:
      cv::rotate(image->mat, rotated, cv::ROTATE_90_CLOCKWISE);
      break;
    case 2:
      cv::rotate(image->mat, rotated, cv::ROTATE_180);
      break;
    default:
      cv::rotate(image->mat, rotated, cv::ROTATE_90_COUNTERCLOCKWISE);
      break;
    }
    return hand_out(std::move(rotated), out);
  });
}

extern "C" cvb_status cvb_image_grey_stats(const cvb_image *image, double *mean, double *stddev) {
  return guarded([&] {
    cv::Scalar m, s;
    cv::meanStdDev(grey_of(image->mat), m, s);
    *mean = m[0];
    *stddev = s[0];
    return CVB_OK;
  });
}

extern "C" cvb_status cvb_image_grey_maxima(const cvb_image *image, double *row_maxima, int rows,
                                            double *col_maxima, int cols) {
  return guarded([&] {
    cv::Mat grey = grey_of(image->mat);
    if (rows != grey.rows || cols != grey.cols)
      return fail(CVB_ERR_ARGUMENT, "profile sizes differ from the image");
    cv::Mat byRow, byColumn;
    cv::reduce(grey, byRow, 1, cv::REDUCE_MAX);
    cv::reduce(grey, byColumn, 0, cv::REDUCE_MAX);
    for (int y = 0; y < rows; ++y) row_maxima[y] = byRow.at<uint8_t>(y, 0);
    for (int x = 0; x < cols; ++x) col_maxima[x] = byColumn.at<uint8_t>(0, x);
    return CVB_OK;
  });
}

extern "C" cvb_status cvb_image_phash(const cvb_image *image, uint64_t *hash) {
  return guarded([&] {
    cv::Mat small, floats, spectrum;
    cv::resize(grey_of(image->mat), small, cv::Size(32, 32), 0, 0, cv::INTER_AREA);
    small.convertTo(floats, CV_32F);
    cv::dct(floats, spectrum);
    cv::Mat block = spectrum(cv::Rect(0, 0, 8, 8)).clone();
    std::vector<float> values(block.begin<float>(), block.end<float>());
    std::vector<float> sorted = values;
    std::nth_element(sorted.begin(), sorted.begin() + 32, sorted.end());
    float median = sorted[32];
    uint64_t bits = 0;
    for (int i = 0; i < 64; ++i)
      if (values[i] > median) bits |= uint64_t(1) << i;
    *hash = bits;
    return CVB_OK;
  });
}

extern "C" cvb_status cvb_image_encode(const cvb_image *image, const char *extension,
                                       const int *params, int param_count, uint8_t **bytes,
                                       size_t *length) {
  return guarded([&] {
    std::vector<int> list(params, params + std::max(param_count, 0));
    std::vector<uchar> encoded;
    if (!codecs().encode(extension, image->mat, encoded, list))
      return fail(CVB_ERR_IO, "cannot encode image");
    *bytes = static_cast<uint8_t *>(std::malloc(std::max<size_t>(encoded.size(), 1)));
    if (!*bytes) return fail(CVB_ERR_UNKNOWN, "out of memory");
    std::copy(encoded.begin(), encoded.end(), *bytes);
    *length = encoded.size();
    return CVB_OK;
  });
}

extern "C" void cvb_bytes_free(uint8_t *bytes) { std::free(bytes); }

extern "C" cvb_status cvb_image_edge_density(const cvb_image *image, double low, double high,
                                             double *density) {
  return guarded([&] {
    cv::Mat edges;
    cv::Canny(grey_of(image->mat), edges, low, high);
    *density = double(cv::countNonZero(edges)) / double(edges.total());
    return CVB_OK;
  });
}

// The pixels edge smoothing replaces: Canny's edges, dilated by a square kernel.
static cv::Mat edge_mask(const cv::Mat &source, double low, double high, int dilate_size) {
  cv::Mat edges, mask;
  cv::Canny(grey_of(source), edges, low, high);
  cv::dilate(edges, mask, cv::Mat::ones(dilate_size, dilate_size, CV_8U));
  return mask;
}

extern "C" cvb_status cvb_image_edge_mask(const cvb_image *image, double low, double high,
                                          int dilate_size, cvb_image **out) {
  return guarded([&] {
    if (image->mat.depth() != CV_8U) return fail(CVB_ERR_ARGUMENT, "the edge mask needs 8 bits");
    if (dilate_size < 1) return fail(CVB_ERR_ARGUMENT, "the dilation must be positive");
    return hand_out(edge_mask(image->mat, low, high, dilate_size), out);
  });
}

extern "C" cvb_status cvb_image_edge_smooth(const cvb_image *image, double low, double high,
                                            int dilate_size, int gauss_size, cvb_image **out) {
  return guarded([&] {
    const cv::Mat &source = image->mat;
    if (source.depth() != CV_8U || (source.channels() != 1 && source.channels() != 3))
      return fail(CVB_ERR_ARGUMENT, "edge smoothing needs an 8-bit BGR or grey image");
    if (dilate_size < 1 || gauss_size < 1 || gauss_size % 2 == 0)
      return fail(CVB_ERR_ARGUMENT, "kernel sizes must be positive and the Gaussian's odd");
    const cv::Mat mask = edge_mask(source, low, high, dilate_size);

    cv::Mat wide, blurred;
    source.convertTo(wide, CV_64F);
    cv::GaussianBlur(wide, blurred, cv::Size(gauss_size, gauss_size), 0, 0, cv::BORDER_REFLECT_101);

    cv::Mat result = source.clone();
    const int values = source.cols * source.channels(), channels = source.channels();
    for (int y = 0; y < source.rows; ++y) {
      const uint8_t *inMask = mask.ptr<uint8_t>(y);
      const double *average = blurred.ptr<double>(y);
      uint8_t *target = result.ptr<uint8_t>(y);
      for (int i = 0; i < values; ++i)
        if (inMask[i / channels]) target[i] = uint8_t(std::clamp(average[i], 0.0, 255.0));
    }
    return hand_out(std::move(result), out);
  });
}

extern "C" void cvb_image_free(cvb_image *image) { delete image; }
extern "C" void cvb_set_threads(int threads) { cv::setNumThreads(threads); }
extern "C" const char *cvb_last_error(void) { return lastError.c_str(); }
