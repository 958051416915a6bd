"""Pages of the library: public reading and community actions (``public``), and the
workflow of writing, reviewing and importing practices (``manage``)."""
