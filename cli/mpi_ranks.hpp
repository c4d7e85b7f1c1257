#pragma once
/// MPI for `gpusim sweep` started by mpirun or srun: the only code that includes <mpi.h>. MPI_Init is called
/// only when an MPI launcher started this process, so a plain run needs no MPI runtime; a build without
/// Open MPI (libopenmpi-dev) refuses to run under a launcher with more than one rank instead of running
/// the whole sweep once per rank.

#include "studies/sweep.hpp"

namespace gpusim {

class MpiRanks {
 public:
  /// MPI_Init when launched by an MPI launcher (OMPI_COMM_WORLD_SIZE, PMIX_RANK or PMI_RANK set);
  /// ConfigError for a launch with several ranks of a build without MPI.
  MpiRanks();
  /// MPI_Finalize when MPI_Init was called.
  ~MpiRanks();
  MpiRanks(const MpiRanks&) = delete;
  MpiRanks& operator=(const MpiRanks&) = delete;

  /// This process's rank and the number of ranks, with the collective gather and broadcast (MPI_COMM_WORLD);
  /// one process without MPI.
  SweepComm comm() const;
  /// Stops every rank with exit code `code` (MPI_Abort): for an error after the ranks began working together,
  /// when the others would wait for this one forever.
  [[noreturn]] void abort(int code) const;

 private:
  bool active_ = false;
};

}  // namespace gpusim
