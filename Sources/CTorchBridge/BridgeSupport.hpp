// Error handling shared by the bridge's translation units: nothing escapes into Swift.
#pragma once
#include "CTorchBridge.h"

#include <c10/util/Exception.h>

#include <exception>
#include <string>

namespace bridge {

inline std::string &lastError() {
  static thread_local std::string message;
  return message;
}

inline tb_status fail(tb_status code, std::string message) {
  lastError() = std::move(message);
  return code;
}

// Whether a caller's buffer of `count` values holds exactly `batch` pictures of 3 x height x
// width; on a mismatch, leaves a message naming the buffer.
inline bool holdsPictures(int64_t count, int batch, int height, int width, const char *what) {
  int64_t needed = int64_t(batch) * 3 * height * width;
  if (count == needed) return true;
  lastError() = std::to_string(count) + " values of " + what + " where " + std::to_string(batch) +
                " x 3 x " + std::to_string(height) + " x " + std::to_string(width) + " needs " +
                std::to_string(needed);
  return false;
}

template <typename Body> tb_status guarded(Body body) noexcept {
  try {
    return body();
  } catch (const c10::Error &e) {
    return fail(TB_ERR_TORCH, e.what_without_backtrace());
  } catch (const std::exception &e) {
    return fail(TB_ERR_UNKNOWN, e.what());
  } catch (...) {
    return fail(TB_ERR_UNKNOWN, "non-standard C++ exception");
  }
}

} // namespace bridge
