/* CImageBridge: a plain-C face over OpenCV's imgproc and imgcodecs.
 *
 * Every function that can fail returns a cvb_status and, on failure, leaves a message for
 * cvb_last_error() on the calling thread. Every cvb_image that a function hands out through
 * an `out` parameter is owned by the caller and freed with cvb_image_free. Images are 8-bit
 * BGR, BGRA or grey unless a function says otherwise. No thresholds or choices live here.
 */
#ifndef CIMAGEBRIDGE_H
#define CIMAGEBRIDGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cvb_image cvb_image; /* opaque; owns a cv::Mat */

typedef enum {
  CVB_OK = 0,
  CVB_ERR_IO,
  CVB_ERR_ARGUMENT,
  CVB_ERR_OPENCV,
  CVB_ERR_UNKNOWN
} cvb_status;

/* Encoder parameters for cvb_image_write, with OpenCV's values. */
enum { CVB_WRITE_JPEG_QUALITY = 1, CVB_WRITE_PNG_COMPRESSION = 16, CVB_WRITE_WEBP_QUALITY = 64 };

typedef enum { CVB_INTER_AREA = 0, CVB_INTER_LINEAR = 1, CVB_INTER_CUBIC = 2 } cvb_interpolation;

/* Copies `height` rows of `width` * `channels` bytes (1, 3 or 4 channels) into a new image. */
cvb_status cvb_image_from_pixels(const uint8_t *pixels, int width, int height, int channels,
                                 size_t bytes_per_row, cvb_image **out);
/* Decodes an image file as stored (any depth, any channel count). */
cvb_status cvb_image_read(const char *path, cvb_image **out);
/* Encodes to `path`; the format follows the extension. `params` are key/value pairs. */
cvb_status cvb_image_write(const cvb_image *image, const char *path, const int *params,
                           int param_count);
/* Size, channel count and bits per channel (8, 16 or 32). */
void cvb_image_info(const cvb_image *image, int *width, int *height, int *channels, int *depth);
/* Copies 8-bit pixels out, tightly packed; `capacity` must be width * height * channels. */
cvb_status cvb_image_copy_pixels(const cvb_image *image, uint8_t *pixels, size_t capacity);

/* Converts grey, BGRA and 16-bit or float images to 8-bit BGR (16-bit scaled by 1/257). */
cvb_status cvb_image_to_bgr8(const cvb_image *image, cvb_image **out);
cvb_status cvb_image_crop(const cvb_image *image, int x, int y, int width, int height,
                          cvb_image **out);
cvb_status cvb_image_resize(const cvb_image *image, int width, int height,
                            cvb_interpolation interpolation, cvb_image **out);
/* Rotates by `quarter_turns` × 90° clockwise (0…3). */
cvb_status cvb_image_rotate(const cvb_image *image, int quarter_turns, cvb_image **out);

/* Mean and standard deviation of the grey (BT.601 luma) image. */
cvb_status cvb_image_grey_stats(const cvb_image *image, double *mean, double *stddev);
/* Brightest grey level of each row (`rows` values) and each column (`cols` values). */
cvb_status cvb_image_grey_maxima(const cvb_image *image, double *row_maxima, int rows,
                                 double *col_maxima, int cols);
/* 64-bit DCT perceptual hash: grey, 32×32 area resize, low 8×8 DCT block vs its median. */
cvb_status cvb_image_phash(const cvb_image *image, uint64_t *hash);
/* Fraction of pixels on Canny edges of the grey image. */
cvb_status cvb_image_edge_density(const cvb_image *image, double low, double high, double *density);

/* Edge smoothing: Canny(low, high) on the grey image, dilate by a square kernel of
 * `dilate_size`, then every pixel under the dilated mask becomes the Gaussian-weighted
 * average (kernel `gauss_size`, sigma from the size, reflect-101 borders) computed in double
 * and truncated to 8 bits; other pixels are copied. 8-bit BGR or grey input. */
cvb_status cvb_image_edge_smooth(const cvb_image *image, double low, double high, int dilate_size,
                                 int gauss_size, cvb_image **out);

/* The dilated Canny edges edge smoothing replaces, as an 8-bit grey image (0 or 255). */
cvb_status cvb_image_edge_mask(const cvb_image *image, double low, double high, int dilate_size,
                               cvb_image **out);

/* Encodes into memory in the format `extension` names (".png", ".jpg"); the caller frees
 * `*bytes` with cvb_bytes_free. */
cvb_status cvb_image_encode(const cvb_image *image, const char *extension, const int *params,
                            int param_count, uint8_t **bytes, size_t *length);
void cvb_bytes_free(uint8_t *bytes);

void cvb_image_free(cvb_image *image); /* NULL is a no-op */
/* OpenCV's own worker threads; 1 when the caller parallelises per image. */
void cvb_set_threads(int threads);
const char *cvb_last_error(void); /* thread-local; valid until the next failing call */

#ifdef __cplusplus
}
#endif
#endif
