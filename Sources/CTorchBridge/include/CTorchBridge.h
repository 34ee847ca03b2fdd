/* CTorchBridge: a plain-C face over libtorch for the CartoonGAN generator.
 *
 * Every function that can fail returns a tb_status and, on failure, leaves a message for
 * tb_last_error() on the calling thread. A tb_generator handed out through `out` is owned
 * by the caller and freed with tb_generator_free. Names and shapes of parameters are the
 * network's structure; which files they come from, and every other choice, is the
 * caller's.
 */
#ifndef CTORCHBRIDGE_H
#define CTORCHBRIDGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tb_generator tb_generator; /* opaque; owns its parameter tensors */

typedef enum { TB_OK = 0, TB_ERR_ARGUMENT, TB_ERR_TORCH, TB_ERR_UNKNOWN } tb_status;

/* How ordinary convolutions pad: reflection (the published CartoonGAN weights) or zeros. */
typedef enum { TB_PADDING_REFLECT = 0, TB_PADDING_ZERO = 1 } tb_padding;

/* Normalisation after convolutions: the published weights' instance norm,
 * (x - mean) / (std + 1e-9) * scale + shift with the population standard deviation,
 * parameters `inNN_N.scale` and `inNN_N.shift`. */
typedef enum { TB_NORM_PUBLISHED_INSTANCE = 0 } tb_norm;

/* Where instance-norm statistics come from on the next forward pass. */
typedef enum {
  TB_STATISTICS_OWN = 0,    /* each image's own, the usual way */
  TB_STATISTICS_RECORD = 1, /* each image's own, and kept (batch of one) */
  TB_STATISTICS_REPLAY = 2  /* the kept ones, so tiles of one picture share them */
} tb_statistics;

/* Threads libtorch uses within one operation. */
void tb_set_threads(int threads);

/* The CartoonGAN generator with parameters of the right shapes, zero-filled. */
tb_status tb_generator_create(tb_padding padding, tb_norm norm, tb_generator **out);
void tb_generator_free(tb_generator *generator); /* NULL is a no-op */

/* The number of parameter tensors, and the name (valid while the generator lives), rank
 * and shape (up to 4 sizes) of the one at `index`, in a fixed order. */
int tb_generator_parameter_count(const tb_generator *generator);
tb_status tb_generator_parameter(const tb_generator *generator, int index, const char **name,
                                 int *rank, int64_t shape[4]);
/* Copies `count` float32 values into (or out of) the named parameter; `count` must equal
 * the number of its elements. */
tb_status tb_generator_set_parameter(tb_generator *generator, const char *name,
                                     const float *values, int64_t count);
tb_status tb_generator_get_parameter(const tb_generator *generator, const char *name,
                                     float *values, int64_t count);

tb_status tb_generator_set_statistics(tb_generator *generator, tb_statistics statistics);

/* Runs the generator without gradients on `batch` images of 3 channels, planar (NCHW)
 * float32, values in [-1, 1]; height and width multiples of 4. Writes the same shape. */
tb_status tb_generator_forward(tb_generator *generator, const float *input, int batch,
                               int height, int width, float *output);

const char *tb_last_error(void); /* thread-local; valid until the next failing call */

#ifdef __cplusplus
}
#endif
#endif
