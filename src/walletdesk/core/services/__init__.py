"""core's writers: the job queue (`jobs`) and the periodic checks' last results (`checkruns`)."""
