#pragma once
/// Internal to the phone module: the libphonenumber proto of a strict E.164 string, built
/// without PhoneNumberUtil::Parse (which costs ~10 µs of regular expressions per number).
#include <string_view>

#include <phonenumbers/phonenumber.pb.h>

namespace diskret::phone::detail {

using PhoneNumberProto = i18n::phonenumbers::PhoneNumber;

/// For '+' followed by 8-15 ASCII digits, fills `out` exactly as Parse() would and returns
/// true, unless Parse() could do more than split off the country calling code: when the
/// national number starts with '0' (Italian leading zeros, national prefix "0") or with a
/// digit that the region's national-prefix-for-parsing pattern can match. Then, and for
/// any other input, it returns false and the caller must use Parse().
bool build_from_e164(std::string_view text, PhoneNumberProto& out);

}  // namespace diskret::phone::detail
