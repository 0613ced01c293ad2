#include "smpp/pdu.hpp"

#include "smpp/detail/field_table.hpp"

namespace diskret::smpp {

CommandId command_id(const Body& body) noexcept { return detail::kCommandIds[body.index()]; }

const char* command_name(CommandId id) noexcept {
  switch (id) {
    case CommandId::generic_nack: return "generic_nack";
    case CommandId::bind_receiver: return "bind_receiver";
    case CommandId::bind_receiver_resp: return "bind_receiver_resp";
    case CommandId::bind_transmitter: return "bind_transmitter";
    case CommandId::bind_transmitter_resp: return "bind_transmitter_resp";
    case CommandId::submit_sm: return "submit_sm";
    case CommandId::submit_sm_resp: return "submit_sm_resp";
    case CommandId::deliver_sm: return "deliver_sm";
    case CommandId::deliver_sm_resp: return "deliver_sm_resp";
    case CommandId::unbind: return "unbind";
    case CommandId::unbind_resp: return "unbind_resp";
    case CommandId::bind_transceiver: return "bind_transceiver";
    case CommandId::bind_transceiver_resp: return "bind_transceiver_resp";
    case CommandId::enquire_link: return "enquire_link";
    case CommandId::enquire_link_resp: return "enquire_link_resp";
  }
  return "unknown_command";
}

}  // namespace diskret::smpp
