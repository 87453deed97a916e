// The collector and storage code paths of a CostProfile (see cost_path.h
// for the contract), each running the real pipeline code on spans from
// span_stream.h (many concurrent traces, interleaved). Operations are spans.
//
//   CollectorReceivePath  collector_receive_per_span_ns  DecodeSpans of 512-span requests
//   CollectorBatchPath    collector_batch_per_span_ns    BatchProcessor::Add (+ OnTimer when due)
//   CollectorExportPath   collector_export_per_span_ns   EncodeSpans of 8192-span batches
//   StoreInsertPath       store_insert_per_span_ns       SpanStore::AppendBatch (block cuts included)
//
// Receive and export: tracesim has no OTLP protobuf codec; the stand-in is the
// real span codec (pipeline/span_codec.h: DecodeSpans, EncodeSpans), a
// compact binary encoding of the same span model. Inputs are 512-span
// requests (what an SDK exports) and 8192-span batches (the Collector batch
// processor's send_batch_size), the outputs go to fresh buffers and are
// disposed of untimed.
//
// Thread-safety: not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tracesim/calibrate/cost_path.h"
#include "tracesim/pipeline/batch_processor.h"
#include "tracesim/pipeline/span.h"
#include "tracesim/pipeline/span_store.h"
#include "tracesim/status.h"
#include "tracesim/time.h"

namespace tracesim::calibrate {

// DecodeSpans of 512-span requests (encoded once by EncodeSpans), each into a
// fresh span vector. status() reports a decode error. granule 512.
class CollectorReceivePath final : public CostPath {
 public:
  static constexpr size_t kRequestSpans = 512;
  CollectorReceivePath();
  size_t granule() const override { return kRequestSpans; }
  size_t Prepare(size_t ops) override;
  uint64_t Run() override;
  Status status() const override { return status_; }

 private:
  std::vector<std::vector<uint8_t>> requests_;  // inputs, kept across runs
  size_t requests_to_run_ = 0;
  std::vector<std::vector<pipeline::SpanData>> decoded_;  // outputs, disposed of by Prepare
  Status status_;
};

// The Collector `batch` processor with its default options (send_batch_size
// 8192, timeout 200 ms, no maximum): Add of 512-span requests arriving 1 ms
// apart, OnTimer when its deadline has passed; every 16th request completes
// a batch. granule 8192.
class CollectorBatchPath final : public CostPath {
 public:
  static constexpr size_t kRequestSpans = 512;
  CollectorBatchPath();
  size_t granule() const override { return pipeline::BatchProcessorOptions{}.send_batch_size; }
  size_t Prepare(size_t ops) override;
  uint64_t Run() override;

 private:
  pipeline::BatchProcessor processor_;
  TimePoint now_ = kTimeZero;
  std::vector<pipeline::SpanData> source_;                 // spans copied into requests, kept across runs
  std::vector<std::vector<pipeline::SpanData>> requests_;  // inputs of the next run
  std::vector<std::vector<pipeline::SpanData>> sent_;      // outputs, disposed of by Prepare
};

// EncodeSpans of 8192-span batches (the batch processor's output) into fresh
// buffers. granule 8192.
class CollectorExportPath final : public CostPath {
 public:
  static constexpr size_t kBatchSpans = 8192;
  CollectorExportPath();
  size_t granule() const override { return kBatchSpans; }
  size_t Prepare(size_t ops) override;
  uint64_t Run() override;

 private:
  std::vector<std::vector<pipeline::SpanData>> batches_;  // inputs, kept across runs
  size_t batches_to_run_ = 0;
  std::vector<std::vector<uint8_t>> encoded_;  // outputs, disposed of by Prepare
};

// SpanStore::AppendBatch of 8192-span batches into a store with default
// options (blocks of 65536 spans, encoded with the disk-size estimate at the
// cut). A run is a whole number of blocks and the store's head starts each
// run empty, so every run pays exactly its share of block cuts. The store is
// cleared (untimed) once it holds 2^20 spans. granule 65536.
class StoreInsertPath final : public CostPath {
 public:
  static constexpr size_t kBatchSpans = 8192;
  StoreInsertPath();
  size_t granule() const override { return pipeline::SpanStoreOptions{}.max_block_spans; }
  size_t Prepare(size_t ops) override;
  uint64_t Run() override;

 private:
  pipeline::SpanStore store_;
  TimePoint now_ = kTimeZero;
  std::vector<pipeline::SpanData> source_;                // spans copied into batches, kept across runs
  std::vector<std::vector<pipeline::SpanData>> batches_;  // inputs of the next run
};

// The store the query paths read: 2^18 spans of the span stream (4 cut
// blocks), built once.
class QueryStore {
 public:
  static constexpr size_t kSpans = size_t{1} << 18;
  QueryStore();
  const pipeline::SpanStore& store() const { return store_; }
  const std::vector<pipeline::TraceId>& trace_ids() const { return trace_ids_; }  // every trace, shuffled
  TimePoint end() const { return end_; }                                          // start of the last span

 private:
  pipeline::SpanStore store_;
  std::vector<pipeline::TraceId> trace_ids_;
  TimePoint end_ = kTimeZero;
};

// SpanStore::FindTrace of traces present in a QueryStore (the trace-id
// lookup of a query, spans assembled). An operation is one lookup. granule 1.
class StoreLookupPath final : public CostPath {
 public:
  size_t granule() const override { return 1; }
  size_t Prepare(size_t ops) override;
  uint64_t Run() override;

 private:
  QueryStore data_;
  size_t lookups_ = 0;
  size_t next_ = 0;
};

// SpanStore::SearchTraces on a QueryStore: one service, a minimum duration,
// the last minute, limit 20 (the simulator's search). An operation is one
// stored span scanned, so a search of a store of n spans costs
// n * store_search_per_span_ns. granule QueryStore::kSpans (one search).
class StoreSearchPath final : public CostPath {
 public:
  size_t granule() const override { return QueryStore::kSpans; }
  size_t Prepare(size_t ops) override;
  uint64_t Run() override;

 private:
  QueryStore data_;
  size_t searches_ = 0;
  uint32_t next_service_ = 0;
};

}  // namespace tracesim::calibrate
