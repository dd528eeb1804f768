// vidjil-to-fasta: one FASTA record per clone of a .vidjil result, for the CloneDB index
// (model.md §7.4, `vidjil-admin clonedb-export`). Record:
//   >CLONE_ID METADATA reads=R1[,R2...] germline=G top=T name=NAME
//   SEQUENCE
// METADATA is the caller's "key=value ..." text (sample_set=, config_id=...). SEQUENCE is the
// clone's representative `sequence`, else its `id` when that is a nucleotide window; clones with
// neither are skipped. Values never hold whitespace or control characters (replaced by '_'), so
// every header is one line of space-separated key=value fields after the id.
#pragma once
#include <json/json.h>

#include <ostream>
#include <string>

namespace vidjil::files {

// Writes the records of `result` (parsed by parse_vidjil) to `out`; returns how many.
size_t vidjil_to_fasta(const Json::Value& result, const std::string& metadata, std::ostream& out);
// `s` with whitespace and control characters replaced by '_' (at most 1000 bytes).
std::string fasta_field(const std::string& s);

}  // namespace vidjil::files
