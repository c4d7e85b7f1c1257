// A shared library that is not a gpusim plugin: no entry point at all.
extern "C" int not_a_gpusim_plugin() { return 1; }
