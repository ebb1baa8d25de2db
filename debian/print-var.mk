# make -f Makefile -f debian/print-var.mk print-VAR: the value of VAR in the
# generated Makefile (debian/rules asks it for the unit tests)
print-%:
	@echo $($*)
