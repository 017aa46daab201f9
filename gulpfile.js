const { task, src, dest, parallel } = require('gulp');

// tsc emits only code; n8n loads node and credential icons from dist/, next to the compiled files.
function nodeIcons() {
	return src('nodes/**/*.{png,svg}', { encoding: false }).pipe(dest('dist/nodes'));
}

function credentialIcons() {
	return src('credentials/**/*.{png,svg}', { encoding: false }).pipe(dest('dist/credentials'));
}

task('build:icons', parallel(nodeIcons, credentialIcons));
