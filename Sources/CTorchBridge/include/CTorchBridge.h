/* CTorchBridge: a plain-C face over libtorch for the CartoonGAN generator.
 *
 * Every function that calls into libtorch runs inside the bridge's exception guard: it
 * returns a tb_status (or, for a count, a safe value) and, on failure, leaves a message for
 * tb_last_error() on the calling thread. The rest only read or write the bridge's own
 * fields, and cannot throw. A tb_generator handed out through `out` is owned
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

/* The generator's normalisation after convolutions, which also says whose network it is:
 * - the published weights' instance norm, (x - mean) / (std + 1e-9) * scale + shift with
 *   the population standard deviation, parameters `inNN_N.scale` and `inNN_N.shift`, BGR;
 * - PyTorch's batch norm or affine instance norm, the network cel-train trains
 *   (`body.N.*`, as its checkpoints name them after "g."), RGB, in evaluation mode.
 * Every convolution pads by reflection. */
typedef enum { TB_NORM_PUBLISHED_INSTANCE = 0, TB_NORM_BATCH = 1, TB_NORM_INSTANCE = 2 } tb_norm;

/* Threads libtorch uses within one operation; libtorch refuses fewer than one. */
tb_status tb_set_threads(int threads);

/* From now on, tensors of 1 MiB and more are freed into a cache and reused from there
 * instead of going back to malloc; blocks in use and cached together stay within a
 * quarter over the most ever in use at once. Later calls do nothing. */
tb_status tb_cache_memory(void);
/* Frees every cached block now (the cache stays on), for the end of a long job. */
tb_status tb_cache_release(void);

/* The CartoonGAN generator with parameters of the right shapes: zero for the published
 * layout, fresh for a trainable one; set them all before use. */
tb_status tb_generator_create(tb_norm norm, tb_generator **out);
void tb_generator_free(tb_generator *generator); /* NULL is a no-op */

/* The number of tensors (parameters, and the norm buffers of a trainable one), and the name
 * (valid while the generator lives), rank and shape (up to 4 sizes) of the one at `index`,
 * in a fixed order. */
int tb_generator_parameter_count(const tb_generator *generator);
tb_status tb_generator_parameter(const tb_generator *generator, int index, const char **name,
                                 int *rank, int64_t shape[4]);
/* Copies `count` float32 values into (or out of) the named parameter; `count` must equal
 * the number of its elements. */
tb_status tb_generator_set_parameter(tb_generator *generator, const char *name, const float *values,
                                     int64_t count);
tb_status tb_generator_get_parameter(const tb_generator *generator, const char *name, float *values,
                                     int64_t count);

/* How tb_generator_forward goes through the network on the CPU. Both see each image whole,
 * so instance norms take the whole image's statistics. */
typedef enum {
  /* The blocked pass where oneDNN has its own kernels for this processor: activations in
   * its blocked layout, the 3x3 convolutions by Winograd where it offers that; else banded. */
  TB_PASS_BLOCKED = 0,
  /* One layer at a time in bands of rows with libtorch's operators: the least memory, and
   * float32 rounding as PyTorch's own. */
  TB_PASS_BANDED = 1,
} tb_pass;

/* Runs the generator without gradients on `batch` images of 3 channels, planar (NCHW)
 * float32, values in [-1, 1]; height and width multiples of 4. Writes the same shape.
 * `input_count` and `output_count` are the values each buffer holds: both must be
 * batch x 3 x height x width. Memory holds at most tb_generator_peak_bytes besides the
 * caller's buffers. */
tb_status tb_generator_forward(tb_generator *generator, tb_pass pass, const float *input,
                               int64_t input_count, int batch, int height, int width, float *output,
                               int64_t output_count);

/* The most memory tb_generator_forward holds for one height x width image. */
int64_t tb_generator_peak_bytes(tb_pass pass, int height, int width);
/* The memory the generator keeps between forward passes for the last picture size (the
 * blocked pass's buffers and weights), part of tb_generator_peak_bytes for that size. */
int64_t tb_generator_held_bytes(const tb_generator *generator);

/* The same network over each whole image at once, every layer with libtorch's own
 * operators, on `device`: -1 for the CPU, N for CUDA device N (the parameters are copied
 * there once and kept). The fast path on a GPU; it holds about tb_generator_whole_bytes
 * there. Buffers as for tb_generator_forward, in CPU memory. */
tb_status tb_generator_forward_whole(tb_generator *generator, int device, const float *input,
                                     int64_t input_count, int batch, int height, int width,
                                     float *output, int64_t output_count);
/* About the most device memory tb_generator_forward_whole holds for one image. */
int64_t tb_generator_whole_bytes(int height, int width);

/* CUDA devices this libtorch sees: 0 for a CPU-only build, or where no GPU is seen (and
 * where asking failed, with the reason for tb_last_error). */
int tb_cuda_device_count(void);
/* Free and total memory of CUDA device `device`, in bytes. Fails where this build has no
 * CUDA runtime or the device does not exist. */
tb_status tb_cuda_memory(int device, int64_t *free_bytes, int64_t *total_bytes);

/* ---- Training ---------------------------------------------------------------------------
 * A tb_trainer owns a trainable generator (the same network with PyTorch's own norm layers:
 * batch or instance norm, reflection padding), the patch discriminator of the paper,
 * VGG19's convolutions up to conv4_4 (frozen; weights set by the caller under the names
 * torchvision uses, `vgg.features.N.weight`), and Adam's state for both networks. Every
 * tensor (parameters, norm buffers, Adam moments) is reachable by name for checkpoints.
 * Images are planar RGB float32 in [-1, 1].
 */
typedef struct tb_trainer tb_trainer;

/* Where a trainer's networks live. */
typedef enum { TB_DEVICE_AUTO = 0, TB_DEVICE_CPU = 1, TB_DEVICE_CUDA = 2 } tb_device;

typedef struct {
  int batch_norm;       /* 1: batch norm, 0: instance norm (affine) */
  tb_device device;     /* AUTO: a GPU when this libtorch has CUDA and sees one */
  int device_index;     /* which GPU, from 0 */
  float generator_rate; /* Adam learning rates */
  float discriminator_rate;
  double beta1, beta2;  /* double, as PyTorch holds them: 0.999f is 1.3e-5 off in 1 - beta2 */
  float content_weight; /* omega, the paper's 10 */
  float style_weight;   /* Gram-matrix style loss; 0 for none */
  uint64_t seed;        /* initial weights */
} tb_trainer_options;

/* What one step measured: losses, and the discriminator's accuracy on real style images
 * (called real), their smoothed twins (called fake) and generated images (called fake). */
typedef struct {
  float content, style, generator_adversarial, discriminator;
  float real_accuracy, smooth_accuracy, fake_accuracy;
} tb_step_losses;

tb_status tb_trainer_create(const tb_trainer_options *options, tb_trainer **out);
void tb_trainer_free(tb_trainer *trainer); /* NULL is a no-op */

/* Where the networks train: "cuda" or "cpu". Caller images and returned values always live
 * in CPU memory. Creating a trainer for TB_DEVICE_CUDA fails when no GPU is seen. */
const char *tb_trainer_device(const tb_trainer *trainer);

int tb_trainer_tensor_count(const tb_trainer *trainer);
tb_status tb_trainer_tensor(const tb_trainer *trainer, int index, const char **name, int *rank,
                            int64_t shape[4]);
tb_status tb_trainer_set_tensor(tb_trainer *trainer, const char *name, const float *values,
                                int64_t count);
tb_status tb_trainer_get_tensor(const tb_trainer *trainer, const char *name, float *values,
                                int64_t count);
/* Adam's step counters, one per network (generator, discriminator). */
void tb_trainer_get_steps(const tb_trainer *trainer, int64_t *generator, int64_t *discriminator);
void tb_trainer_set_steps(tb_trainer *trainer, int64_t generator, int64_t discriminator);

/* Changes the Adam learning rates (learning-rate steps). */
void tb_trainer_set_rates(tb_trainer *trainer, float generator, float discriminator);

/* Every image buffer below comes with the number of values it holds, which must be
 * exactly what its shape needs (batch x 3 x height x width for pictures). */

/* One optimisation step on a batch of `batch` photos, style images and their smoothed
 * twins, each `size` x `size`. `initialisation` non-zero: the content loss alone, the
 * generator alone, and `styles` and `smoothed` are not read (they may be NULL with count
 * 0). Otherwise a discriminator step, then a generator step. */
tb_status tb_trainer_step(tb_trainer *trainer, int initialisation, const float *photos,
                          int64_t photos_count, const float *styles, int64_t styles_count,
                          const float *smoothed, int64_t smoothed_count, int batch, int size,
                          tb_step_losses *losses);
/* The generator's output for `batch` photos (evaluation mode, no gradients). */
tb_status tb_trainer_generate(tb_trainer *trainer, const float *photos, int64_t photos_count,
                              int batch, int height, int width, float *output,
                              int64_t output_count);
/* VGG19 conv4_4 activations (before its ReLU) of RGB images in [-1, 1], after ImageNet
 * normalisation; `output` holds batch x 512 x height/8 x width/8 values. */
tb_status tb_trainer_features(tb_trainer *trainer, const float *images, int64_t images_count,
                              int batch, int height, int width, float *output,
                              int64_t output_count);

/* The loss terms the training step uses, on plain arrays, for checking them by hand:
 * TB_LOSS_L1 is the mean absolute difference of `a` and `b` (the content loss on features);
 * TB_LOSS_LOGISTIC is the mean binary cross-entropy of logits `a` against the constant
 * target `b[0]` (the adversarial terms); TB_LOSS_GRAM is the mean absolute difference of the
 * Gram matrices of `a` and `b`, each `batch` x `channels` x `count / (batch * channels)`,
 * divided by channels x positions (the style loss). */
typedef enum { TB_LOSS_L1 = 0, TB_LOSS_LOGISTIC = 1, TB_LOSS_GRAM = 2 } tb_loss;
tb_status tb_loss_evaluate(tb_loss loss, const float *a, const float *b, int64_t count, int batch,
                           int channels, float *value);

/* ---- Several processes training one model -----------------------------------------------
 * A tb_process_group is this process's place in a group of `size` processes that train one
 * model together (c10d's Gloo process group over TCP). Ranks meet through a TCP store at
 * store_host:store_port, which rank 0 serves. Gloo binds to the network interface named by
 * `interface`, else to the address `hostname` resolves to, else to this machine's hostname's.
 * Creating blocks until every rank has joined, or fails after timeout_ms. With cuda_device N
 * >= 0 the group is c10d's NCCL group for the rank's CUDA device N instead (the interface
 * and hostname are then NCCL's own business); a build without NCCL refuses it. */
typedef struct tb_process_group tb_process_group;

tb_status tb_process_group_create(const char *store_host, int store_port, int rank, int size,
                                  const char *interface, const char *hostname, int timeout_ms,
                                  int cuda_device, tb_process_group **out);
void tb_process_group_free(tb_process_group *group); /* NULL is a no-op */
/* Replaces `count` values by their mean over the group's ranks (every rank calls it). */
tb_status tb_process_group_average(tb_process_group *group, float *values, int64_t count);

/* From now on every step of `trainer` averages its gradients over `group` before each Adam
 * step, so every rank makes the same update: that of the mean loss over all ranks' batches.
 * Batch norm stays per rank: each normalises by its own batch and keeps its own running
 * statistics. The group must outlive the trainer's steps. */
void tb_trainer_join(tb_trainer *trainer, tb_process_group *group);

const char *tb_last_error(void); /* thread-local; valid until the next failing call */

#ifdef __cplusplus
}
#endif
#endif
