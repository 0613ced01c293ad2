#pragma once
/// Whether a region code is one libphonenumber supports ("DE", "AT"; upper case only).
#include <string_view>

namespace diskret::phone {

bool is_supported_region(std::string_view code);

}  // namespace diskret::phone
