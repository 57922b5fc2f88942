// An owning reference to a COM object: Release() on destruction, AddRef() on copy.
#ifndef DDCRASH_DAC_INTERNAL_COM_PTR_H_
#define DDCRASH_DAC_INTERNAL_COM_PTR_H_

#include <utility>

#include "dac/internal/com.h"

namespace ddcrash::dac {

template <typename T>
class ComPtr {
 public:
  ComPtr() = default;
  // Adopts a reference the caller already owns (what every COM out-parameter hands back).
  static ComPtr Adopt(T* p) {
    ComPtr c;
    c.p_ = p;
    return c;
  }
  ComPtr(const ComPtr& o) : p_(o.p_) {
    if (p_) p_->AddRef();
  }
  ComPtr(ComPtr&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  ComPtr& operator=(ComPtr o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~ComPtr() { Reset(); }

  void Reset() {
    if (p_) std::exchange(p_, nullptr)->Release();
  }
  T* get() const { return p_; }
  T* operator->() const { return p_; }
  explicit operator bool() const { return p_ != nullptr; }
  // For out-parameters: releases the current object and exposes the slot.
  T** Out() {
    Reset();
    return &p_;
  }
  // QueryInterface for another interface; null on failure.
  template <typename U>
  ComPtr<U> As(REFIID iid) const {
    ComPtr<U> out;
    if (p_ == nullptr) return out;
    void* raw = nullptr;
    if (Succeeded(p_->QueryInterface(iid, &raw)) && raw != nullptr) {
      out = ComPtr<U>::Adopt(static_cast<U*>(raw));
    }
    return out;
  }

 private:
  T* p_ = nullptr;
};

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_INTERNAL_COM_PTR_H_
