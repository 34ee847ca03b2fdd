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
