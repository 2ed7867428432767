"""kaltura-async benchmarks: contenders measured side by side in one process run."""
