#ifndef CFFMPEG_SHIM_H
#define CFFMPEG_SHIM_H
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

/* Function-like macros are invisible to Swift; these shims expose them. */
static inline int cffmpeg_error_eof(void) { return AVERROR_EOF; }
static inline int cffmpeg_error_again(void) { return AVERROR(EAGAIN); }
static inline int cffmpeg_error_nomem(void) { return AVERROR(ENOMEM); }
static inline int cffmpeg_error_invalid(void) { return AVERROR_INVALIDDATA; }
static inline int64_t cffmpeg_nopts(void) { return AV_NOPTS_VALUE; }

/* av_log's default callback prints every warning from the decoders; Celshade counts them instead. */
static inline void cffmpeg_quiet_logs(void) { av_log_set_level(AV_LOG_FATAL); }
#endif
